# ruff: noqa: F811 - pytest fixtures imported from tests.directory.agency_world
"""/api/v1/me/agency: the member's agency, invitations (owners only), an
escort's leaving; others' objects are 404, and no verification data."""

from __future__ import annotations

import pytest

from accounts.models import Role
from directory.models import AgencyEscort, AgencyInvitation
from tests.directory.agency_world import (  # noqa: F401 - fixtures
    actions,
    agency,
    agency_owner,
    invite,
    invite_and_accept,
    make_agency,
    manager,
    owner_of,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ME = "/api/v1/me/agency"


def post(api_client, path: str, data: dict):  # noqa: ANN001, ANN201
    return api_client.post(path, data, format="json")


def test_non_members_get_404(api_client, owner):
    for user in (UserFactory(role=Role.AGENCY), owner):
        api_client.force_authenticate(user)
        assert api_client.get(ME).status_code == 404
        response = post(api_client, f"{ME}/invitations", {"email": "a@example.test"})
        assert response.status_code == 404, response.json()
        assert response.json()["error"]["code"] == "not_found"
    api_client.force_authenticate(None)
    assert api_client.get(ME).status_code in (401, 403)


def test_the_overview_shows_the_roster_without_verification_data(
    api_client, agency, agency_owner, profile, owner, django_capture_on_commit_callbacks
):
    invite_and_accept(agency, owner, django_capture_on_commit_callbacks)
    api_client.force_authenticate(agency_owner)
    body = api_client.get(ME).json()
    assert body["agency"]["status"] == "verified" and body["role"] == "owner"
    (entry,) = body["roster"]
    assert set(entry) == {"id", "name", "profile_name", "profile_live", "joined_at"}
    assert (entry["profile_name"], entry["profile_live"]) == ("Clara", True)
    assert "verif" not in str(body["roster"]).lower()
    assert [m["role"] for m in body["staff"]] == ["owner"]


def test_invitations_owner_only_with_clear_refusals(
    api_client, agency, agency_owner, manager
):
    api_client.force_authenticate(manager)
    response = post(api_client, f"{ME}/invitations", {"email": "a@example.test"})
    assert response.status_code == 403
    assert "Only agency owners" in response.json()["error"]["message"]

    api_client.force_authenticate(agency_owner)
    bad = post(api_client, f"{ME}/invitations", {"email": "nope"})
    assert bad.status_code == 400 and "email" in bad.json()["error"]["fields"]
    created = post(api_client, f"{ME}/invitations", {"email": "A@example.test"})
    assert created.status_code == 201
    assert created.json()["email"] == "a@example.test"
    again = post(api_client, f"{ME}/invitations", {"email": "a@example.test"})
    assert again.status_code == 409
    assert "already pending" in again.json()["error"]["message"]
    assert AgencyInvitation.objects.count() == 1


def test_an_unverified_agency_gets_a_clear_403(api_client):
    agency = make_agency("Opal", verified=False)
    api_client.force_authenticate(owner_of(agency))
    response = post(api_client, f"{ME}/invitations", {"email": "a@example.test"})
    assert response.status_code == 403
    assert "verified" in response.json()["error"]["message"]


def test_revoking_an_invitation(api_client, agency, agency_owner, manager):
    api_client.force_authenticate(agency_owner)
    invitation_id = post(
        api_client, f"{ME}/invitations", {"email": "a@example.test"}
    ).json()["id"]
    api_client.force_authenticate(manager)
    assert api_client.delete(f"{ME}/invitations/{invitation_id}").status_code == 403
    api_client.force_authenticate(owner_of(make_agency("Maison Opal")))
    assert api_client.delete(f"{ME}/invitations/{invitation_id}").status_code == 404
    api_client.force_authenticate(agency_owner)
    assert api_client.delete(f"{ME}/invitations/{invitation_id}").status_code == 204
    assert AgencyInvitation.objects.get().status == "revoked"
    assert api_client.delete(f"{ME}/invitations/{invitation_id}").status_code == 409
    assert actions(agency)[-1] == "agency.invitation_revoked"


def test_an_escort_leaves_over_the_api(
    api_client, agency, profile, owner, django_capture_on_commit_callbacks
):
    api_client.force_authenticate(owner)
    assert post(api_client, f"{ME}/leave", {"keep_profile": True}).status_code == 404
    invite_and_accept(agency, owner, django_capture_on_commit_callbacks)
    assert post(api_client, f"{ME}/leave", {}).status_code == 400
    response = post(api_client, f"{ME}/leave", {"keep_profile": True})
    assert response.status_code == 200
    assert response.json()["end_reason"] == "left_kept"
    assert AgencyEscort.objects.get().status == "left"
    profile.refresh_from_db()
    assert profile.agency is None and profile.live
