"""No non-essential cookies (docs/consents-and-cookies.md, "Cookies"): the site
sets only the session and CSRF cookies, so it needs no cookie banner. A banner
appears only if a non-essential cookie is ever added, and this test fails first."""

from __future__ import annotations

import logging

import pytest
from django.conf import settings as django_settings

from cms_pages import demo
from tests.factories import PASSWORD, UserFactory
from tests.factories.pages import make_city, make_profile

pytestmark = pytest.mark.django_db

STRICTLY_NECESSARY = {
    django_settings.SESSION_COOKIE_NAME,
    django_settings.CSRF_COOKIE_NAME,
}
LEGAL = ["/terms/", "/privacy/", "/cookies/", "/safety/", "/contact/"]


@pytest.fixture
def site(db) -> dict[str, str]:
    demo.seed(log=logging.getLogger(__name__).info)
    city = make_city("Berlin")
    profile = make_profile("Amelie", city=city)
    return {"city": city.url, "profile": profile.url}


def cookie_names(responses) -> set[str]:
    return {name for response in responses for name in response.cookies}


def visit(client, paths: list[str]) -> list:
    responses = [client.get(path) for path in paths]
    assert [r.status_code for r in responses] == [200] * len(paths), paths
    return responses


def test_anonymous_pages_set_only_strictly_necessary_cookies(client, site, settings):
    settings.AGE_GATE_ENABLED = True
    responses = [client.get("/")]  # the age gate: a form, so a CSRF cookie
    responses.append(client.post("/age-check/", {"next": "/"}))
    responses += visit(
        client,
        [
            "/",
            "/cities/",
            site["city"],
            site["profile"],
            "/search/?q=Berlin",
            "/accounts/signup/",
            "/accounts/login/",
            *LEGAL,
        ],
    )
    names = cookie_names(responses)
    assert names <= STRICTLY_NECESSARY, names - STRICTLY_NECESSARY


def test_a_signed_in_journey_sets_only_strictly_necessary_cookies(client, site):
    user = UserFactory()
    responses = visit(client, ["/accounts/login/"])
    login = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert login.status_code == 302
    responses.append(login)
    responses += visit(
        client,
        ["/", site["profile"], "/notifications/", "/dashboard/bookings/", *LEGAL],
    )
    responses.append(client.post("/accounts/logout/"))
    names = cookie_names(responses)
    assert django_settings.SESSION_COOKIE_NAME in names
    assert names <= STRICTLY_NECESSARY, names - STRICTLY_NECESSARY


def test_the_cookies_page_says_so(client, site):
    html = client.get("/cookies/").content.decode()
    assert "strictly necessary" in html
    assert "remembers your age confirmation" in html
    assert "no consent banner is needed" in html
