"""What agency changes tell people (in-app notice and email through
notifications.notify). Agency notices use the provider's "profile review"
kind: they are about how a profile is listed, and notifications offers no
agency kind yet."""

from __future__ import annotations

from directory.models import Agency, AgencyEscort, AgencyMembership
from notifications.models import Kind
from notifications.services import Email, notify

DASHBOARD = "/dashboard/agency/"


def _owners(agency: Agency) -> list:
    return [
        m.user
        for m in agency.memberships.filter(
            role=AgencyMembership.Role.OWNER
        ).select_related("user")
    ]


def notify_decision(*, agency: Agency) -> None:
    if agency.verified:
        title = f"{agency.name} is verified: you can now invite escorts"
    else:
        title = f"{agency.name} could not be verified"
    note = agency.decision_note
    body = f"{title}.\n\nModerator's note: {note}\n\nDashboard: {DASHBOARD}\n"
    for owner in _owners(agency):
        notify(
            recipient=owner,
            kind=Kind.PROFILE_REVIEW,
            title=title,
            url=DASHBOARD,
            email=Email(title, body),
        )


def notify_agency_owners(*, link: AgencyEscort, change: str) -> None:
    """``change``: "joined" or "left"."""
    name = link.escort.display_name or "An escort"
    if change == "joined":
        title = f"{name} accepted your invitation and is now listed by {link.agency}"
    else:
        title = f"{name} left {link.agency}"
    for owner in _owners(link.agency):
        notify(
            recipient=owner,
            kind=Kind.PROFILE_REVIEW,
            title=title,
            url=DASHBOARD,
            email=Email(title, f"{title}.\n"),
        )


def notify_escort_removed(*, link: AgencyEscort) -> None:
    title = f"{link.agency} no longer lists you; your profile stays yours"
    notify(
        recipient=link.escort,
        kind=Kind.PROFILE_REVIEW,
        title=title,
        url="/dashboard/",
        email=Email(title, f"{title}.\n"),
    )
