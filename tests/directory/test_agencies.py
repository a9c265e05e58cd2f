# ruff: noqa: F811 - pytest fixtures imported from tests.directory.agency_world
"""Agencies with safeguards: registration, business verification, invitations
and consent, leaving both ways, removal, staff powers, and what an agency may
never read (services and HTML pages; the API is test_agencies_api.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import Role
from core.exceptions import Conflict, PermissionDenied, ValidationFailed
from directory.agency_services import (
    agency_decide,
    agency_escort_remove,
    agency_invitation_accept,
    agency_invite,
    agency_member_remove,
    token_hash,
)
from directory.models import (
    Agency,
    AgencyEscort,
    AgencyInvitation,
    AgencyMembership,
    EscortProfilePage,
)
from directory.selectors import profiles_editable_by
from notifications.models import Notification
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
from tests.factories.pages import EscortOwnerFactory

pytestmark = pytest.mark.django_db

REGISTER = "/dashboard/agency/"


def test_an_agency_account_registers_a_pending_agency_and_owns_it(client):
    user = UserFactory(role=Role.AGENCY)
    client.force_login(user)
    page = client.get(REGISTER)
    assert page.status_code == 200 and b"Register your agency" in page.content
    assert b"/dashboard/verification/" in page.content

    response = client.post(
        REGISTER,
        {
            "name": "Opal  Evenings",
            "registration_number": "fn 123456-a",
            "country": "Austria",
            "description": "Dinner company in Vienna.",
        },
    )
    assert response.status_code == 302
    agency = Agency.objects.get()
    assert (agency.name, agency.registration_number, agency.status) == (
        "Opal Evenings",
        "FN 123456-A",
        "pending",
    )
    assert agency.memberships.get().user == user
    assert agency.memberships.get().role == "owner"
    assert actions(agency) == ["agency.registered", "agency.member_added"]
    dashboard = client.get(REGISTER)
    assert b"Waiting for business verification" in dashboard.content


@pytest.mark.parametrize(
    "number", ["ab1", "x" * 33, "HRB<script>", "12_34"], ids=["short", "long", "<", "_"]
)
def test_a_bad_registration_number_stores_nothing(client, number):
    client.force_login(UserFactory(role=Role.AGENCY))
    response = client.post(
        REGISTER,
        {"name": "Opal", "registration_number": number, "country": "Austria"},
    )
    assert response.status_code == 400
    assert b"company register" in response.content
    assert not Agency.objects.exists()


def test_only_agency_accounts_register_and_only_once(client, agency, agency_owner):
    client.force_login(UserFactory(role=Role.CLIENT))
    assert client.get(REGISTER).status_code == 404
    client.force_login(agency_owner)
    client.post(REGISTER, {"name": "Second", "registration_number": "1234"})
    assert Agency.objects.count() == 1  # the owner sees the dashboard instead


def test_a_moderator_verifies_the_business_only_once_the_owner_is_verified(
    moderator,
):
    agency = make_agency("Opal", verified=False)
    owner = owner_of(agency)
    owner.is_age_verified = False
    owner.save()
    with pytest.raises(ValidationFailed):
        agency_decide(actor=moderator, agency=agency, verify=True, note="  ")
    with pytest.raises(Conflict):
        agency_decide(actor=moderator, agency=agency, verify=True, note="Register ok")
    with pytest.raises(PermissionDenied):
        agency_decide(actor=owner, agency=agency, verify=True, note="Self-approval")
    agency.refresh_from_db()
    assert agency.status == "pending" and actions(agency) == []

    owner.is_age_verified = True
    owner.save()
    agency_decide(actor=moderator, agency=agency, verify=True, note="Register ok")
    agency.refresh_from_db()
    assert agency.verified and agency.verified_by == moderator and agency.verified_at
    assert actions(agency) == ["agency.verified"]
    notice = Notification.objects.get(recipient=owner)
    assert "verified" in notice.title and notice.url == "/dashboard/agency/"

    agency_decide(actor=moderator, agency=agency, verify=False, note="Struck off")
    agency.refresh_from_db()
    assert agency.status == "refused" and agency.decision_note == "Struck off"
    assert actions(agency)[-1] == "agency.refused"


def test_the_admin_lists_agencies_to_verify_and_takes_a_decision(
    client, moderator, admin_login
):
    agency = make_agency("Opal", verified=False)
    admin_login(client, moderator)
    url = "/cms/directory/agency-decisions/"
    listing = client.get(url)
    assert listing.status_code == 200 and b"Opal" in listing.content
    client.post(f"{url}{agency.pk}/", {"decision": "verify", "note": ""})
    agency.refresh_from_db()
    assert agency.status == "pending"  # the note is required
    client.post(f"{url}{agency.pk}/", {"decision": "verify", "note": "Checked"})
    agency.refresh_from_db()
    assert agency.status == "verified"
    assert f'data-agency="{agency.pk}"'.encode() not in client.get(url).content


def test_an_unverified_agency_cannot_invite_escorts():
    agency = make_agency("Opal", verified=False)
    with pytest.raises(PermissionDenied, match="verified"):
        agency_invite(actor=owner_of(agency), agency=agency, email="a@example.test")
    assert not AgencyInvitation.objects.exists()


def test_managers_cannot_invite_or_remove(agency, manager, agency_owner):
    with pytest.raises(PermissionDenied, match="Only agency owners"):
        agency_invite(actor=manager, agency=agency, email="new@example.test")
    owner_membership = agency.memberships.get(role="owner")
    with pytest.raises(PermissionDenied, match="Only agency owners"):
        agency_member_remove(actor=manager, membership=owner_membership)
    assert not AgencyInvitation.objects.exists()
    assert agency.memberships.count() == 2


def test_the_invitee_reads_who_invites_them_and_consents(
    client, agency, profile, owner, django_capture_on_commit_callbacks
):
    token = invite(agency, owner.email.upper(), django_capture_on_commit_callbacks)
    email = mail.outbox[-1]
    assert email.to == [owner.email.lower()]
    assert agency.name in email.subject
    # The token is stored only as its hash.
    invitation = AgencyInvitation.objects.get()
    assert invitation.token_hash == token_hash(token) != token
    assert token not in str(AgencyInvitation.objects.values().get())
    assert invitation.expires_at - timezone.now() > dt.timedelta(days=13)

    url = f"/agency/invitations/{token}/"
    anonymous = client.get(url)
    assert anonymous.status_code == 200
    assert agency.name.encode() in anonymous.content
    assert b"leave at any time" in anonymous.content
    assert b"Sign in" in anonymous.content

    client.force_login(owner)
    refused = client.post(url, {"accept": "1"})  # consent box left empty
    assert refused.status_code == 400
    assert not AgencyEscort.objects.exists()

    accepted = client.post(url, {"accept": "1", "consent": "on"})
    assert accepted.status_code == 302
    link = AgencyEscort.objects.get()
    assert (link.agency, link.escort, link.status) == (agency, owner, "active")
    assert link.consent_version and link.consented_at
    profile.refresh_from_db()
    assert profile.agency == agency  # written on the live row
    # The agency's staff are now on the provider side of the profile.
    assert profiles_editable_by(user=owner_of(agency)).filter(pk=profile.pk).exists()
    assert actions(agency) == [
        "agency.invitation_sent",
        "agency.escort_joined",
        "agency.invitation_accepted",
    ]
    assert Notification.objects.filter(recipient=owner_of(agency)).exists()
    assert client.get(url).status_code == 200  # no longer open: says so
    assert b"no longer open" in client.get(url).content


def test_invitation_refusals(
    agency, profile, owner, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    with pytest.raises(ValidationFailed):
        agency_invite(actor=owner_of(agency), agency=agency, email="not-an-email")
    invite(agency, "dup@example.test", capture)
    with pytest.raises(Conflict, match="already pending"):
        agency_invite(actor=owner_of(agency), agency=agency, email="DUP@example.test")
    # An escort listed by another agency cannot be invited.
    other = make_agency("Maison Opal")
    invite_and_accept(other, owner, capture)
    with pytest.raises(Conflict, match="another agency"):
        agency_invite(actor=owner_of(agency), agency=agency, email=owner.email)
    assert AgencyInvitation.objects.filter(agency=agency).count() == 1


def test_expired_and_wrong_user_tokens_change_nothing(
    client, agency, profile, owner, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    token = invite(agency, owner.email, capture)
    stranger = EscortOwnerFactory()
    with pytest.raises(PermissionDenied, match="another email"):
        agency_invitation_accept(actor=stranger, token=token, consent=True)
    client.force_login(stranger)
    response = client.post(
        f"/agency/invitations/{token}/", {"accept": "1", "consent": "on"}
    )
    assert response.status_code == 403

    AgencyInvitation.objects.update(expires_at=timezone.now() - dt.timedelta(1))
    with pytest.raises(Conflict, match="expired"):
        agency_invitation_accept(actor=owner, token=token, consent=True)
    with pytest.raises(Exception, match="does not exist"):
        agency_invitation_accept(actor=owner, token="0" * 64, consent=True)
    assert not AgencyEscort.objects.exists()
    profile.refresh_from_db()
    assert profile.agency is None
    # An expired invitation no longer blocks a new one.
    invite(agency, owner.email, capture)
    assert AgencyInvitation.objects.filter(status="expired").count() == 1


def test_an_escort_is_listed_by_one_agency_at_a_time(
    agency, profile, owner, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    other = make_agency("Maison Opal")
    token = invite(other, owner.email, capture)
    invite_and_accept(agency, owner, capture)
    with pytest.raises(Conflict, match="Leave it first"):
        agency_invitation_accept(actor=owner, token=token, consent=True)
    assert AgencyEscort.objects.filter(status="active").count() == 1


def test_leaving_keeps_the_profile_with_the_escort(
    client, agency, profile, owner, django_capture_on_commit_callbacks
):
    invite_and_accept(agency, owner, django_capture_on_commit_callbacks)
    client.force_login(owner)
    page = client.get("/dashboard/agency/leave/")
    assert page.status_code == 200 and agency.name.encode() in page.content
    assert client.post("/dashboard/agency/leave/", {}).status_code == 400
    response = client.post("/dashboard/agency/leave/", {"profile": "keep"})
    assert response.status_code == 302
    link = AgencyEscort.objects.get()
    assert (link.status, link.end_reason) == ("left", "left_kept")
    profile.refresh_from_db()
    assert profile.agency is None and profile.live
    assert not profiles_editable_by(user=owner_of(agency)).exists()
    assert actions(agency)[-1] == "agency.escort_left"
    assert (
        "left" in Notification.objects.filter(recipient=owner_of(agency)).first().title
    )
    assert client.get("/dashboard/agency/leave/").status_code == 404


def test_leaving_can_unpublish_the_profile(
    client, agency, profile, owner, django_capture_on_commit_callbacks
):
    invite_and_accept(agency, owner, django_capture_on_commit_callbacks)
    client.force_login(owner)
    client.post("/dashboard/agency/leave/", {"profile": "unpublish"})
    profile = EscortProfilePage.objects.get(pk=profile.pk)
    assert not profile.live and profile.agency is None
    assert AgencyEscort.objects.get().end_reason == "left_unpublished"


def test_an_owner_removes_an_escort_who_keeps_the_profile(
    client, agency, manager, profile, owner, django_capture_on_commit_callbacks
):
    link = invite_and_accept(agency, owner, django_capture_on_commit_callbacks)
    with pytest.raises(PermissionDenied):
        agency_escort_remove(actor=manager, link=link)
    client.force_login(owner_of(agency))
    response = client.post(f"/dashboard/agency/escorts/{link.pk}/remove/")
    assert response.status_code == 302
    link.refresh_from_db()
    assert (link.status, link.end_reason) == ("left", "removed")
    profile.refresh_from_db()
    assert profile.agency is None and profile.live
    assert actions(agency)[-1] == "agency.escort_removed"
    assert "no longer lists you" in Notification.objects.get(recipient=owner).title
    # Another agency's owner cannot name this link: 404.
    client.force_login(owner_of(make_agency("Maison Opal")))
    assert (
        client.post(f"/dashboard/agency/escorts/{link.pk}/remove/").status_code == 404
    )


def test_staff_management_keeps_the_last_owner(
    client, agency, agency_owner, manager, django_capture_on_commit_callbacks
):
    owner_membership = agency.memberships.get(role="owner")
    with pytest.raises(Conflict, match="at least one owner"):
        agency_member_remove(actor=agency_owner, membership=owner_membership)
    client.force_login(agency_owner)
    client.post(f"/dashboard/agency/staff/{owner_membership.pk}/remove/")
    assert agency.memberships.filter(role="owner").count() == 1

    membership = agency.memberships.get(user=manager)
    client.post(f"/dashboard/agency/staff/{membership.pk}/remove/")
    assert not AgencyMembership.objects.filter(user=manager).exists()
    assert actions(agency)[-1] == "agency.member_removed"

    # A manager joins through an invitation they accept with an agency account.
    newcomer = UserFactory(role=Role.AGENCY)
    token = invite(
        agency, newcomer.email, django_capture_on_commit_callbacks, "manager"
    )
    agency_invitation_accept(actor=newcomer, token=token, consent=False)
    assert agency.memberships.get(user=newcomer).role == "manager"
    assert actions(agency)[-2] == "agency.member_added"


def test_the_agency_dashboard_shows_roster_invitations_and_staff_in_constant_queries(
    client, agency, agency_owner, manager, city, django_capture_on_commit_callbacks,
    django_assert_max_num_queries,
):  # fmt: skip
    from tests.factories.pages import make_profile

    capture = django_capture_on_commit_callbacks
    invite(agency, "pending@example.test", capture)

    def add_escort(n: int) -> None:
        escort = EscortOwnerFactory(display_name=f"Escort {n}")
        make_profile(f"Profile {n}", city=city, owner=escort)
        invite_and_accept(agency, escort, capture)

    add_escort(1)
    client.force_login(agency_owner)
    with django_assert_max_num_queries(30) as one:
        page = client.get("/dashboard/agency/")
    for n in range(2, 5):
        add_escort(n)
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get("/dashboard/agency/")
    html = page.content.decode()
    assert "Profile 4" in html and "pending@example.test" in html
    assert "Mona Manager" in html and "Live" in html
    # Verification stays between the escort and the moderators.
    assert "identity verified" not in html.lower()
    assert "age_verified" not in html


def test_the_manager_sees_the_dashboard_without_owner_powers(client, manager):
    client.force_login(manager)
    page = client.get("/dashboard/agency/")
    assert page.status_code == 200
    assert b"Only agency owners can invite" in page.content
    assert b"Send the invitation" not in page.content
    response = client.post(
        "/dashboard/agency/invitations/", {"email": "x@example.test", "role": "escort"}
    )
    assert response.status_code == 400
    assert b"Only agency owners" in response.content
    assert not AgencyInvitation.objects.exists()


def test_the_dashboard_home_links_the_agency_and_the_safety_channel(
    client, agency, agency_owner, profile, owner, django_capture_on_commit_callbacks
):
    client.force_login(owner)
    html = client.get("/dashboard/").content.decode()
    assert 'data-panel="safety"' in html and "You work independently" in html
    invite_and_accept(agency, owner, django_capture_on_commit_callbacks)
    html = client.get("/dashboard/").content.decode()
    assert agency.name in html and "/dashboard/agency/leave/" in html
    client.force_login(agency_owner)
    html = client.get("/dashboard/").content.decode()
    assert "Agency dashboard" in html and 'data-panel="safety"' not in html
    client.force_login(UserFactory(role=Role.AGENCY))
    assert "Register your agency" in client.get("/dashboard/").content.decode()


def test_a_profile_created_after_joining_is_listed_by_the_agency(
    agency, city, django_capture_on_commit_callbacks
):
    from directory.services import ProfileEdit, profile_save_and_submit

    escort = EscortOwnerFactory(email="new.escort@example.test", second_factor=True)
    invite_and_accept(agency, escort, django_capture_on_commit_callbacks)
    edit = ProfileEdit(display_name="Nova", age=29, home_city_id=city.pk)
    profile_save_and_submit(actor=escort, edit=edit)
    created = EscortProfilePage.objects.get(owner=escort)
    assert created.agency_id == agency.pk
    assert created in profiles_editable_by(user=owner_of(agency))
