"""A provider needs a second factor before their first profile is submitted (API
and dashboard refuse, then accept once TOTP is on), setting one up comes back to
the editor, and whoever is on the provider side of a profile cannot remove
their last factor (page and headless API, TOTP and passkey)."""

from __future__ import annotations

import re

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)

from directory.models import EscortProfilePage
from tests.assertions import assert_error_shape
from tests.directory.test_dashboard import form_data
from tests.directory.test_owner_flow import edit_payload
from tests.factories import UserFactory
from tests.factories.pages import EscortOwnerFactory, make_city, make_profile
from tests.mfa import login_with_mfa, mark_reauthenticated, totp_for

pytestmark = pytest.mark.django_db
JSON = {"content_type": "application/json"}
EDITOR = "/dashboard/profile/"


@pytest.fixture
def city():
    city = make_city(
        "Lisbon", live=False, country="Portugal", time_zone="Europe/Lisbon"
    )
    city.save_revision().publish()
    return city


def passkey_for(user) -> Authenticator:  # noqa: ANN001
    # Removal never reads the credential: a stored row is enough here.
    return Authenticator.objects.create(
        user=user, type=Authenticator.Type.WEBAUTHN, data={"name": "Laptop"}
    )


def test_api_refuses_a_first_profile_without_a_second_factor(api_client, city):
    provider = EscortOwnerFactory()
    api_client.force_authenticate(provider)
    refused = api_client.put("/api/v1/me/profile", edit_payload(city), format="json")
    error = assert_error_shape(refused, 403, "second_factor_required")
    assert "authenticator app or a passkey" in error["message"]
    assert not EscortProfilePage.objects.filter(owner=provider).exists()

    totp_for(provider)
    accepted = api_client.put("/api/v1/me/profile", edit_payload(city), format="json")
    assert accepted.status_code == 201, accepted.content
    assert EscortProfilePage.objects.filter(owner=provider).count() == 1


def test_a_passkey_counts_as_the_second_factor(api_client, city):
    provider = EscortOwnerFactory()
    passkey_for(provider)
    api_client.force_authenticate(provider)
    response = api_client.put("/api/v1/me/profile", edit_payload(city), format="json")
    assert response.status_code == 201, response.content


def test_dashboard_says_what_to_do_and_accepts_after_totp(client, city):
    provider = EscortOwnerFactory()
    client.force_login(provider)
    page = client.get(EDITOR).content.decode()
    assert 'id="second-factor"' in page
    assert "/accounts/2fa/totp/activate/?next=%2Fdashboard%2Fprofile%2F" in page
    assert "/accounts/2fa/webauthn/add/?next=%2Fdashboard%2Fprofile%2F" in page

    refused = client.post(EDITOR, form_data(city))
    assert refused.status_code == 400  # the page again, with what to do
    assert "Protect your account with a second factor" in refused.content.decode()
    assert not EscortProfilePage.objects.filter(owner=provider).exists()

    totp_for(provider)
    assert 'id="second-factor"' not in client.get(EDITOR).content.decode()
    accepted = client.post(EDITOR, form_data(city))
    assert accepted.status_code == 302
    assert EscortProfilePage.objects.filter(owner=provider).exists()


def test_setting_up_totp_comes_back_to_the_editor(client):
    provider = EscortOwnerFactory()
    client.force_login(provider)
    mark_reauthenticated(client, provider)
    url = "/accounts/2fa/totp/activate/?next=/dashboard/profile/"
    form = client.get(url)
    assert form.status_code == 200
    body = form.content.decode()
    assert 'name="next" value="/dashboard/profile/"' in body
    secret = re.search(r'id="authenticator_secret"[^>]*value="(\w+)"', body)
    secret = secret or re.search(r'value="(\w+)"[^>]*id="authenticator_secret"', body)
    code = format_hotp_value(
        hotp_value(secret.group(1), next(yield_hotp_counters_from_time()))
    )
    done = client.post(url, {"code": code, "next": "/dashboard/profile/"})
    assert done.status_code == 302
    assert (
        done["Location"]
        == "/accounts/2fa/recovery-codes/?next=%2Fdashboard%2Fprofile%2F"
    )
    codes = client.get(done["Location"]).content.decode()
    assert 'href="/dashboard/profile/"' in codes


def test_an_unsafe_next_is_ignored(client):
    provider = EscortOwnerFactory()
    client.force_login(provider)
    body = client.get(
        "/accounts/2fa/totp/activate/?next=https://evil.example/"
    ).content.decode()
    assert "evil.example" not in body


@pytest.fixture
def owner_with_totp(city):
    owner = EscortOwnerFactory(second_factor=True)
    make_profile("Rita", city=city, owner=owner, live=False)
    return owner


def test_the_last_totp_cannot_be_deactivated_on_the_page(client, owner_with_totp):
    login_with_mfa(client, owner_with_totp)
    mark_reauthenticated(client, owner_with_totp)
    response = client.post("/accounts/2fa/totp/deactivate/")
    assert response.status_code == 200
    assert "must keep a second factor" in response.content.decode()
    assert Authenticator.objects.filter(
        user=owner_with_totp, type=Authenticator.Type.TOTP
    ).exists()


def test_the_last_totp_cannot_be_removed_through_the_api(client, owner_with_totp):
    login_with_mfa(client, owner_with_totp)
    mark_reauthenticated(client, owner_with_totp)
    response = client.delete("/_allauth/browser/v1/account/authenticators/totp")
    assert response.status_code == 400, response.content
    assert response.json()["errors"][0]["code"] == "cannot_delete_authenticator"
    assert Authenticator.objects.filter(user=owner_with_totp).exists()


def test_the_last_passkey_cannot_be_removed(client, city):
    owner = EscortOwnerFactory()
    key = passkey_for(owner)
    make_profile("Rita", city=city, owner=owner, live=False)
    login_with_mfa(client, owner)  # also adds TOTP: remove that one first
    mark_reauthenticated(client, owner)
    totp = Authenticator.objects.get(user=owner, type=Authenticator.Type.TOTP)
    assert client.post("/accounts/2fa/totp/deactivate/").status_code == 302
    assert not Authenticator.objects.filter(pk=totp.pk).exists()

    page = client.post(f"/accounts/2fa/webauthn/keys/{key.pk}/remove/")
    assert page.status_code == 302
    assert Authenticator.objects.filter(pk=key.pk).exists()
    api = client.delete(
        "/_allauth/browser/v1/account/authenticators/webauthn",
        {"authenticators": [key.pk]},
        **JSON,
    )
    assert api.status_code == 400, api.content
    assert Authenticator.objects.filter(pk=key.pk).exists()


def test_without_a_profile_the_last_factor_may_go(client):
    provider = EscortOwnerFactory(second_factor=True)
    login_with_mfa(client, provider)
    mark_reauthenticated(client, provider)
    response = client.delete("/_allauth/browser/v1/account/authenticators/totp")
    assert response.status_code == 200, response.content
    assert not Authenticator.objects.filter(user=provider).exists()


def test_agency_staff_of_a_profile_keep_a_factor_and_clients_need_none(client, city):
    from directory.models import Agency, AgencyMembership

    agency = Agency.objects.create(name="Velvet", slug="velvet")
    manager = UserFactory(role="agency")
    AgencyMembership.objects.create(agency=agency, user=manager, role="manager")
    make_profile("Ours", city=city, live=False, agency=agency)
    login_with_mfa(client, manager)
    mark_reauthenticated(client, manager)
    refused = client.delete("/_allauth/browser/v1/account/authenticators/totp")
    assert refused.status_code == 400

    member = UserFactory(role="client")
    login_with_mfa(client, member)
    mark_reauthenticated(client, member)
    allowed = client.delete("/_allauth/browser/v1/account/authenticators/totp")
    assert allowed.status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/accounts/2fa/",
        "/accounts/2fa/totp/activate/",
        "/accounts/2fa/webauthn/add/",
    ],
)
def test_mfa_set_up_pages_use_the_site_layout(client, url):
    provider = EscortOwnerFactory()
    client.force_login(provider)
    mark_reauthenticated(client, provider)
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert 'class="site-header"' in body
    assert 'class="account-form stack"' in body or "panel" in body
    assert "<script>" not in body  # no inline script (CSP)


def test_recovery_codes_page_uses_the_site_layout(client):
    provider = EscortOwnerFactory()
    login_with_mfa(client, provider)
    mark_reauthenticated(client, provider)
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    RecoveryCodes.activate(provider)
    page = client.get("/accounts/2fa/recovery-codes/")
    assert page.status_code == 200
    assert 'class="site-header"' in page.content.decode()
    assert "I have saved my codes" not in page.content.decode()  # no next given
