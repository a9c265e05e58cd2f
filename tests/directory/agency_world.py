"""Fixtures of the agency tests: a verified agency with its identity-verified
owner and a manager, an escort with a live profile (the directory conftest's
``owner``/``profile``), and helpers to invite and accept."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import Role
from audit.models import AuditEntry
from directory.agency_services import agency_invitation_accept, agency_invite
from directory.models import Agency, AgencyEscort, AgencyMembership
from tests.factories import UserFactory

LINK = re.compile(r"/agency/invitations/([0-9a-f]{64})/")


def make_agency(name: str = "Velvet Hours", *, verified: bool = True) -> Agency:
    owner = UserFactory(role=Role.AGENCY, is_age_verified=True, display_name=name)
    agency = Agency.objects.create(
        name=name,
        slug=name.lower().replace(" ", "-"),
        registration_number="HRB 12345",
        country="Austria",
        status="verified" if verified else "pending",
        verified_at=timezone.now() if verified else None,
    )
    AgencyMembership.objects.create(agency=agency, user=owner, role="owner")
    return agency


def owner_of(agency: Agency):  # noqa: ANN201
    return agency.memberships.get(role="owner").user


@pytest.fixture
def agency() -> Agency:
    return make_agency()


@pytest.fixture
def agency_owner(agency):  # noqa: ANN001, ANN201
    return owner_of(agency)


@pytest.fixture
def manager(agency):  # noqa: ANN001, ANN201
    user = UserFactory(role=Role.AGENCY, display_name="Mona Manager")
    AgencyMembership.objects.create(agency=agency, user=user, role="manager")
    return user


def invite(agency: Agency, email: str, capture, role: str = "escort") -> str:  # noqa: ANN001
    """Invite ``email``; the token, read from the email the invitee gets (the
    outbox sends it after commit)."""
    with capture(execute=True):
        agency_invite(actor=owner_of(agency), agency=agency, email=email, role=role)
    return token_from(mail.outbox[-1].body)


def invite_and_accept(agency: Agency, escort, capture) -> AgencyEscort:  # noqa: ANN001
    token = invite(agency, escort.email, capture)
    return agency_invitation_accept(actor=escort, token=token, consent=True)


def token_from(body: str) -> str:
    match = LINK.search(body)
    assert match, body
    return match.group(1)


def actions(agency: Agency) -> list[str]:
    return list(
        AuditEntry.objects.filter(target_type="directory.agency", target_id=agency.pk)
        .values_list("action", flat=True)
        .order_by("id")
    )
