"""Maintenance mode (core.middleware.MaintenanceModeMiddleware): visitors and
members get the branded 503, the API the error shape, staff keep full access, the
ways in stay open, and switching it off takes effect at the next request."""

from __future__ import annotations

import pytest

from core.models import FeatureSwitches
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def maintenance(django_capture_on_commit_callbacks):  # noqa: ANN001, ANN201
    """Switch maintenance on as the admin would (the snapshot refreshes on commit);
    the fixture's value switches it off again."""

    def set_mode(on: bool, message: str = "") -> None:
        row = FeatureSwitches.load()
        row.maintenance_mode = on
        row.maintenance_message = message
        with django_capture_on_commit_callbacks(execute=True):
            row.save()

    set_mode(True)
    return set_mode


def test_a_visitor_gets_the_branded_503_page(client, maintenance):
    response = client.get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "600"
    assert response["Cache-Control"] == "no-store"
    html = response.content.decode()
    assert "We are polishing a few details" in html
    assert "Premium Escorts Directory" in html  # the site name, from SiteSettings
    assert 'class="site-footer"' in html
    # The header keeps the brand without the menu, search or sign-in actions.
    assert 'class="menu"' not in html
    assert 'class="brand"' in html


def test_the_admin_message_is_shown(client, maintenance):
    maintenance(True, "Back at 18:00 UTC after a database upgrade.")
    html = client.get("/escorts/").content.decode()
    assert "Back at 18:00 UTC after a database upgrade." in html


def test_a_signed_in_member_gets_the_page_too(client, client_user, maintenance):
    client.force_login(client_user)
    assert client.get("/").status_code == 503
    assert client.get("/dashboard/").status_code == 503


def test_the_api_answers_the_error_shape(client, maintenance):
    response = client.get("/api/v1/cities")
    assert response.status_code == 503
    assert response["Retry-After"] == "600"
    assert response.json()["error"]["code"] == "maintenance"
    assert response.json()["error"]["fields"] == {}
    response = client.post("/api/v1/reports", {}, content_type="application/json")
    assert response.status_code == 503


def test_staff_keep_full_access(client, admin_login, maintenance):
    admin_login(client, UserFactory(is_staff=True, is_superuser=True))
    home = client.get("/")
    assert home.status_code == 200
    assert "Maintenance mode is on" in home.content.decode()
    assert client.get("/escorts/").status_code == 200
    assert client.get("/cms/").status_code == 200
    assert client.get("/api/v1/cities").status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/login/",
        "/healthz",
        "/readyz",
        "/robots.txt",
        "/static/css/site.css",
        "/_allauth/browser/v1/config",
    ],
)
def test_the_ways_in_and_probes_stay_open(client, maintenance, path):
    response = client.get(path)
    assert response.status_code == 200, path


def test_the_cms_login_and_metrics_are_not_the_maintenance_page(client, maintenance):
    # The CMS login hands over to the site's sign-in; /metrics is the operators'
    # (404 without a token), never the maintenance page.
    assert client.get("/cms/login/").status_code in (200, 302)
    assert client.get("/metrics").status_code == 404


def test_sign_up_is_closed_during_maintenance(client, maintenance):
    assert client.get("/accounts/signup/").status_code == 503


def test_switching_it_off_takes_effect_at_the_next_request(client, maintenance):
    assert client.get("/").status_code == 503
    maintenance(False)
    assert client.get("/").status_code == 200
    maintenance(True)
    assert client.get("/").status_code == 503
