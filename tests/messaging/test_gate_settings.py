"""The provider sets who may write first, over the API and on a page; agency
managers for their escorts; nobody for someone else's profile."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.models import Role
from directory.models import Agency, AgencyMembership
from messaging.models import MessagingGate
from tests.assertions import assert_error_shape
from tests.factories import UserFactory
from tests.factories.pages import EscortOwnerFactory, make_city, make_profile

pytestmark = pytest.mark.django_db


@pytest.fixture
def profile():
    return make_profile(
        "Clara", city=make_city("Milan", slug="milan-gate"), owner=EscortOwnerFactory()
    )


def _url(profile) -> str:  # noqa: ANN001
    return f"/api/v1/me/profiles/{profile.pk}/messaging-gate"


def test_the_owner_reads_the_default_and_sets_a_gate(api_client, profile):
    api_client.force_authenticate(profile.owner)
    assert api_client.get(_url(profile)).json() == {
        "mode": "verified_email",
        "min_account_age_days": 7,
    }
    response = api_client.put(
        _url(profile),
        {"mode": "account_age", "min_account_age_days": 30},
        format="json",
    )
    assert response.status_code == 200
    gate = MessagingGate.objects.get(profile=profile)
    assert (gate.mode, gate.min_account_age_days) == ("account_age", 30)
    # The gate then applies: a week-old client may not start a thread.
    client = UserFactory(role=Role.CLIENT)
    api_client.force_authenticate(client)
    refused = api_client.post(
        "/api/v1/threads", {"profile": profile.pk, "body": "Hello"}, format="json"
    )
    assert_error_shape(refused, 403, "permission_denied")
    assert "30 days" in refused.json()["error"]["message"]


def test_an_agency_manager_sets_the_gate_of_their_escort(api_client, profile):
    agency = Agency.objects.create(name="Velvet", slug="velvet-gate")
    profile.agency = agency
    profile.save(update_fields=["agency"])
    manager = UserFactory(role=Role.AGENCY)
    AgencyMembership.objects.create(agency=agency, user=manager, role="manager")
    api_client.force_authenticate(manager)
    response = api_client.put(_url(profile), {"mode": "after_booking"}, format="json")
    assert response.status_code == 200
    assert MessagingGate.objects.get(profile=profile).mode == "after_booking"


@pytest.mark.parametrize(
    "payload",
    [
        {"mode": "anyone"},
        {"mode": "account_age", "min_account_age_days": 0},
        {"mode": "account_age", "min_account_age_days": 366},
        {},
    ],
)
def test_bad_gates_are_400_and_change_nothing(api_client, profile, payload):
    api_client.force_authenticate(profile.owner)
    assert_error_shape(
        api_client.put(_url(profile), payload, format="json"), 400, "validation_error"
    )
    assert not MessagingGate.objects.exists()


def test_someone_elses_profile_is_404(api_client, profile):
    for user in (EscortOwnerFactory(), UserFactory(role=Role.CLIENT)):
        api_client.force_authenticate(user)
        assert_error_shape(api_client.get(_url(profile)), 404)
        response = api_client.put(
            _url(profile), {"mode": "after_booking"}, format="json"
        )
        assert_error_shape(response, 404)
    assert not MessagingGate.objects.exists()


def test_the_page_sets_the_gate(profile):
    browser = Client()
    browser.force_login(profile.owner)
    page = browser.get("/messages/who-may-write/")
    assert page.status_code == 200 and "Clara" in page.content.decode()
    saved = browser.post(
        "/messages/who-may-write/",
        {"profile": profile.pk, "mode": "account_age", "days": "14"},
    )
    assert saved.status_code == 302
    gate = MessagingGate.objects.get(profile=profile)
    assert (gate.mode, gate.min_account_age_days) == ("account_age", 14)
    bad = browser.post(
        "/messages/who-may-write/", {"profile": profile.pk, "mode": "x", "days": "14"}
    )
    assert bad.status_code == 400
    other = make_profile("Nora", city=profile.home_city, owner=EscortOwnerFactory())
    foreign = browser.post(
        "/messages/who-may-write/", {"profile": other.pk, "mode": "after_booking"}
    )
    assert foreign.status_code == 404
    assert not MessagingGate.objects.filter(profile=other).exists()
    client = Client()
    client.force_login(UserFactory(role=Role.CLIENT))
    assert client.get("/messages/who-may-write/").status_code == 404
