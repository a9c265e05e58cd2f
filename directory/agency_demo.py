"""Demo agencies' safeguards, called from directory.demo: business status and
registration details, the owners of verified agencies identity-verified, an
``AgencyEscort`` consent row for every profile the demo lists under an agency
(so the provider side and the roster agree), and one pending invitation of the
first agency. Idempotent like the rest of the demo."""

from __future__ import annotations

from collections.abc import Callable

from django.utils import timezone

from accounts.models import User
from directory.agency_services import CONSENT_VERSION, agency_invite
from directory.models import (
    Agency,
    AgencyEscort,
    AgencyInvitation,
    AgencyMembership,
    EscortProfilePage,
)

COUNTRIES = ["United Kingdom", "France", "Germany", "Monaco", "Austria"]
INVITEE = "invited.escort@demo.test"


def agency_defaults(*, number: int, description: str, verified: bool) -> dict:
    now = timezone.now()
    return {
        "description": description,
        "registration_number": f"DEMO-{number:04d}",
        "country": COUNTRIES[(number - 1) % len(COUNTRIES)],
        "status": Agency.Status.VERIFIED if verified else Agency.Status.PENDING,
        "verified_at": now if verified else None,
        "decision_note": "Demo: company register extract checked." if verified else "",
    }


def verify_owner(owner: User) -> None:
    if not owner.is_age_verified:
        User.objects.filter(pk=owner.pk).update(
            is_age_verified=True, age_verified_at=timezone.now()
        )
        owner.is_age_verified = True


def seed_links(*, agencies: list[Agency], log: Callable[[str], None]) -> None:
    listed = EscortProfilePage.objects.filter(agency__isnull=False).values_list(
        "owner_id", "agency_id"
    )
    linked = set(
        AgencyEscort.objects.filter(status="active").values_list("escort_id", flat=True)
    )
    now = timezone.now()
    new = [
        AgencyEscort(
            agency_id=agency_id,
            escort_id=owner_id,
            consented_at=now,
            consent_version=CONSENT_VERSION,
        )
        for owner_id, agency_id in dict(listed).items()
        if owner_id is not None and owner_id not in linked
    ]
    AgencyEscort.objects.bulk_create(new)
    log(f"agency escorts: {len(new)} consents recorded")
    _invite(agencies[0] if agencies else None, log=log)


def _invite(agency: Agency | None, *, log: Callable[[str], None]) -> None:
    if agency is None or not agency.verified:
        return
    if AgencyInvitation.objects.filter(agency=agency, email=INVITEE).exists():
        return
    owner = agency.memberships.get(role=AgencyMembership.Role.OWNER).user
    agency_invite(actor=owner, agency=agency, email=INVITEE)
    log(f"agency invitations: one pending to {INVITEE}")
