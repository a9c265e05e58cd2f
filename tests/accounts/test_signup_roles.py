"""Sign-up with a role and consents, on the page and through the headless API:
the role chosen (never staff), the consent ledger written with the user, the
sign-up audited; bad input refused with nothing created."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from django.utils import timezone

from accounts.consents import CURRENT_VERSIONS
from accounts.models import Consent, Role, User
from audit.models import AuditEntry

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-and-unusual-passphrase"
JSON = {"content_type": "application/json"}


def html_signup(client: Client, email: str, **overrides: str) -> object:
    data = {
        "email": email,
        "password1": PASSWORD,
        "password2": PASSWORD,
        "role": "client",
        "age_18": "on",
        "terms": "on",
    }
    data.update(overrides)
    return client.post("/accounts/signup/", {k: v for k, v in data.items() if v})


def api_signup(client: Client, email: str, **overrides: object) -> object:
    body = {
        "email": email,
        "password": PASSWORD,
        "role": "client",
        "age_18": True,
        "terms": True,
    }
    body.update(overrides)
    body = {k: v for k, v in body.items() if v is not None}
    return client.post("/_allauth/app/v1/auth/signup", body, **JSON)


def answers_of(user: User) -> dict[str, tuple[str, bool, str]]:
    return {
        c.document: (c.version, c.accepted, c.source)
        for c in Consent.objects.filter(user=user)
    }


def test_the_page_offers_the_roles_client_first_and_links_the_documents(client):
    page = client.get("/accounts/signup/").content.decode()
    roles = re.findall(r'name="role" value="(\w+)"', page)
    assert roles == ["client", "escort", "agency"]
    assert re.search(r'value="client"[^>]*checked', page)
    assert 'href="/terms/"' in page and 'href="/privacy/"' in page
    assert 'name="age_18"' in page and 'name="marketing"' in page


@pytest.mark.parametrize("role", [Role.CLIENT, Role.ESCORT, Role.AGENCY])
def test_html_signup_saves_the_role_and_the_consents(client, role):
    before = timezone.now()
    response = html_signup(
        client, f"{role}@example.test", role=role.value, marketing="on"
    )
    assert response.status_code == 302, response.content[:2000]
    assert response["Location"] == "/accounts/confirm-email/"
    user = User.objects.get(email=f"{role}@example.test")
    assert user.role == role
    assert not user.is_staff
    source = Consent.Source.SIGNUP_HTML
    assert answers_of(user) == {
        "age_18": (CURRENT_VERSIONS["age_18"], True, source),
        "terms": (CURRENT_VERSIONS["terms"], True, source),
        "privacy": (CURRENT_VERSIONS["privacy"], True, source),
        "marketing": (CURRENT_VERSIONS["marketing"], True, source),
    }
    times = Consent.objects.filter(user=user).values_list("created_at", flat=True)
    assert all(before <= moment <= timezone.now() for moment in times)
    entry = AuditEntry.objects.get(action="account.signed_up", target_id=user.pk)
    assert entry.actor_id == user.pk
    assert entry.data == {"role": role.value, "source": source}


def test_declining_marketing_is_recorded_as_a_refusal(client):
    html_signup(client, "quiet@example.test")
    user = User.objects.get(email="quiet@example.test")
    assert answers_of(user)["marketing"][1] is False


def test_headless_signup_with_a_role(client):
    response = api_signup(client, "nina@example.test", role="escort", marketing=False)
    assert response.status_code == 401, response.content  # verify_email pending
    user = User.objects.get(email="nina@example.test")
    assert user.role == Role.ESCORT
    source = Consent.Source.SIGNUP_API
    assert answers_of(user) == {
        "age_18": (CURRENT_VERSIONS["age_18"], True, source),
        "terms": (CURRENT_VERSIONS["terms"], True, source),
        "privacy": (CURRENT_VERSIONS["privacy"], True, source),
        "marketing": (CURRENT_VERSIONS["marketing"], False, source),
    }
    assert AuditEntry.objects.filter(
        action="account.signed_up", target_id=user.pk, data__role="escort"
    ).exists()


API_REFUSALS = {
    "no role": ({"role": None}, "role"),
    "blank role": ({"role": ""}, "role"),
    "unknown role": ({"role": "wizard"}, "role"),
    "staff": ({"role": "staff"}, "role"),
    "not 18": ({"age_18": False}, "age_18"),
    "age missing": ({"age_18": None}, "age_18"),
    "terms refused": ({"terms": False}, "terms"),
    "terms missing": ({"terms": None}, "terms"),
    "role not a string": ({"role": ["client"]}, "role"),
}


@pytest.mark.parametrize("case", API_REFUSALS, ids=list(API_REFUSALS))
def test_headless_refusals_create_nothing(client, case):
    overrides, param = API_REFUSALS[case]
    response = api_signup(client, "refused@example.test", **overrides)
    assert response.status_code == 400, response.content
    errors = response.json()["errors"]
    assert param in {error.get("param") for error in errors}
    assert all(error["message"] for error in errors)
    assert not User.objects.filter(email="refused@example.test").exists()
    assert not EmailAddress.objects.filter(email="refused@example.test").exists()
    assert not Consent.objects.exists()
    assert not AuditEntry.objects.filter(action="account.signed_up").exists()


HTML_REFUSALS = {
    "no role": ({"role": ""}, "Choose client, provider or agency."),
    "staff": ({"role": "staff"}, "Choose client, provider or agency."),
    "unknown role": ({"role": "wizard"}, "Choose client, provider or agency."),
    "not 18": ({"age_18": ""}, "You must be 18 or older to join."),
    "terms refused": (
        {"terms": ""},
        "Please accept the Terms and the Privacy policy to join.",
    ),
}


@pytest.mark.parametrize("case", HTML_REFUSALS, ids=list(HTML_REFUSALS))
def test_html_refusals_show_the_reason_and_create_nothing(client, case):
    overrides, message = HTML_REFUSALS[case]
    response = html_signup(client, "refused@example.test", **overrides)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not User.objects.filter(email="refused@example.test").exists()
    assert not Consent.objects.exists()


def test_a_refused_form_keeps_the_chosen_role(client):
    response = html_signup(client, "keep@example.test", role="agency", terms="")
    assert re.search(r'value="agency"[^>]*checked', response.content.decode())


@pytest.mark.parametrize(
    ("role", "landing"),
    [(Role.ESCORT, "/dashboard/"), (Role.AGENCY, "/dashboard/"), (Role.CLIENT, "/")],
)
def test_providers_and_agencies_land_on_their_dashboard(client, role, landing):
    from tests.factories import PASSWORD as FACTORY_PASSWORD
    from tests.factories import UserFactory

    user = UserFactory(role=role)
    response = client.post(
        "/accounts/login/", {"login": user.email, "password": FACTORY_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == landing
