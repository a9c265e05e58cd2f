"""The visitor age gate (cms_pages.age_gate, docs/consents-and-cookies.md):
anonymous visitors confirm once per session; crawlers, members and the pages
outside the public site pass; editors choose the countries."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from wagtail.models import Site

from cms_pages.models import SiteSettings
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

GATE = 'class="error-page age-gate__panel"'
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"


@pytest.fixture(autouse=True)
def _gate_on(settings) -> None:
    settings.AGE_GATE_ENABLED = True
    settings.AGE_GATE_COUNTRY_HEADER = ""


@pytest.fixture
def site_settings() -> SiteSettings:
    return SiteSettings.for_site(Site.objects.get(is_default_site=True))


def gated(response) -> bool:
    return GATE in response.content.decode()


def test_an_anonymous_visitor_sees_the_gate_at_the_page_address(client):
    response = client.get("/cities/?sort=name")
    html = response.content.decode()
    assert response.status_code == 200
    assert gated(response)
    assert '<meta name="robots" content="noindex">' in html
    assert response["X-Robots-Tag"] == "noindex"
    assert "no-store" in response["Cache-Control"]
    assert 'name="next" value="/cities/?sort=name"' in html
    assert 'href="/age-check/leave/"' in html


def test_confirming_is_remembered_for_the_session_and_returns_to_the_page(client):
    response = client.post("/age-check/", {"next": "/cities/?sort=name"})
    assert response.status_code == 302
    assert response["Location"] == "/cities/?sort=name"
    assert client.session["age_confirmed"] is True
    assert not gated(client.get("/"))
    assert not gated(client.get("/cities/"))


def test_a_foreign_next_address_goes_home(client):
    response = client.post("/age-check/", {"next": "https://elsewhere.example/"})
    assert response["Location"] == "/"


def test_confirming_needs_a_post(client):
    assert client.get("/age-check/").status_code == 405
    assert "age_confirmed" not in client.session


def test_leave_is_a_page_of_our_own_without_outside_links(client):
    response = client.get("/age-check/leave/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "You have left the directory" in html
    assert 'href="http' not in html
    assert "age_confirmed" not in client.session


def test_crawlers_get_the_page_itself(client):
    assert not gated(client.get("/", HTTP_USER_AGENT=GOOGLEBOT))
    assert gated(client.get("/", HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux) Chrome"))


def test_members_confirmed_their_age_at_sign_up(client):
    client.force_login(UserFactory())
    assert not gated(client.get("/"))


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/login/",
        "/accounts/signup/",
        "/api/v1/plans",
        "/robots.txt",
        "/sitemap.xml",
        "/healthz",
        "/terms/",
        "/privacy/",
        "/cookies/",
        "/safety/",
        "/contact/",
    ],
)
def test_not_on_accounts_api_probes_feeds_or_legal_pages(client, path):
    assert not gated(client.get(path))


def test_json_requests_are_not_gated(client):
    assert not gated(client.get("/", HTTP_ACCEPT="application/json"))


def test_the_site_settings_switch_turns_it_off(client, site_settings):
    site_settings.age_gate_enabled = False
    site_settings.save()
    assert not gated(client.get("/"))


def test_the_settings_flag_turns_it_off(client, settings):
    settings.AGE_GATE_ENABLED = False
    assert not gated(client.get("/"))


@pytest.mark.parametrize(
    ("country", "shown"),
    [("GB", True), ("de", True), ("FR", False), (None, True), ("X1", True)],
)
def test_only_listed_countries_and_unknown_ones_see_it(
    client, settings, site_settings, country, shown
):
    settings.AGE_GATE_COUNTRY_HEADER = "CF-IPCountry"
    site_settings.age_gate_countries = "GB, DE"
    site_settings.save()
    headers = {"HTTP_CF_IPCOUNTRY": country} if country else {}
    assert gated(client.get("/", **headers)) is shown


def test_without_a_configured_header_the_country_is_unknown(client, site_settings):
    site_settings.age_gate_countries = "GB"
    site_settings.save()
    assert gated(client.get("/", HTTP_CF_IPCOUNTRY="FR"))


def test_country_codes_are_checked_and_tidied(site_settings):
    site_settings.age_gate_countries = " gb,de , "
    site_settings.clean()
    assert site_settings.age_gate_countries == "GB, DE"
    site_settings.age_gate_countries = "GBR, Germany"
    with pytest.raises(ValidationError) as error:
        site_settings.clean()
    assert "age_gate_countries" in error.value.message_dict


def test_the_gate_costs_a_constant_few_queries(client, django_assert_max_num_queries):
    client.get("/")  # warm per-process caches
    with django_assert_max_num_queries(3):
        assert gated(client.get("/cities/"))
