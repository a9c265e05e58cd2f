"""Reads of agencies, scoped to the asking user: a member reads their own
agency, an escort their own link. What another agency holds is "not found"
(docs/architecture.md, invariant 8).

What the agency sees of its escorts is deliberately small: name, whether the
profile is live and when they joined. Never verification data (status,
documents, attestations): those stay between the person and the moderators."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.utils import timezone

from accounts.models import User
from core.exceptions import NotFound
from directory.models import (
    Agency,
    AgencyEscort,
    AgencyInvitation,
    AgencyMembership,
    EscortProfilePage,
)


def agency_membership_of(*, user: User) -> AgencyMembership | None:
    """The user's agency staff membership (one per user, by the services)."""
    if not user.is_authenticated:
        return None
    return (
        AgencyMembership.objects.filter(user=user)
        .select_related("agency")
        .order_by("created_at", "pk")
        .first()
    )


def agency_membership_get(*, user: User) -> AgencyMembership:
    membership = agency_membership_of(user=user)
    if membership is None:
        raise NotFound("You do not belong to an agency.")
    return membership


def agency_roster(*, agency: Agency) -> QuerySet[AgencyEscort]:
    """Active escorts, each with their profile's name and whether it is live
    (``profile_title``, ``profile_live``): subqueries, not a query per row."""
    profiles = EscortProfilePage.objects.filter(
        owner=OuterRef("escort_id"), agency=OuterRef("agency_id")
    ).order_by("pk")
    return (
        AgencyEscort.objects.filter(agency=agency, status=AgencyEscort.Status.ACTIVE)
        .select_related("escort")
        .annotate(
            profile_title=Subquery(profiles.values("title")[:1]),
            profile_live=Exists(profiles.filter(live=True)),
        )
        .order_by("consented_at", "pk")
    )


def agency_invitations_pending(*, agency: Agency) -> QuerySet[AgencyInvitation]:
    return (
        AgencyInvitation.objects.filter(
            agency=agency,
            status=AgencyInvitation.Status.PENDING,
            expires_at__gt=timezone.now(),
        )
        .select_related("invited_by")
        .order_by("-created_at", "-pk")
    )


def agency_staff(*, agency: Agency) -> QuerySet[AgencyMembership]:
    return (
        AgencyMembership.objects.filter(agency=agency)
        .select_related("user")
        .order_by("role", "created_at", "pk")
    )


def agency_link_of(*, user: User) -> AgencyEscort | None:
    """The escort's active listing, if any."""
    if not user.is_authenticated:
        return None
    return (
        AgencyEscort.objects.filter(escort=user, status=AgencyEscort.Status.ACTIVE)
        .select_related("agency")
        .first()
    )


def agency_invitation_by_token(*, token: str) -> AgencyInvitation:
    from directory.agency_services import token_hash

    invitation = (
        AgencyInvitation.objects.filter(token_hash=token_hash(token))
        .select_related("agency", "invited_by")
        .first()
    )
    if invitation is None:
        raise NotFound("This invitation does not exist.")
    return invitation


def agencies_awaiting_decision() -> QuerySet[Agency]:
    """The moderators' queue: pending agencies, oldest first, each with
    ``owner_verified`` (the responsible person passed identity verification)."""
    verified_owner = AgencyMembership.objects.filter(
        agency=OuterRef("pk"),
        role=AgencyMembership.Role.OWNER,
        user__is_age_verified=True,
    )
    owner_email = AgencyMembership.objects.filter(
        agency=OuterRef("pk"), role=AgencyMembership.Role.OWNER
    ).order_by("created_at", "pk")
    return (
        Agency.objects.filter(status=Agency.Status.PENDING)
        .annotate(
            owner_verified=Exists(verified_owner),
            owner_email=Subquery(owner_email.values("user__email")[:1]),
        )
        .order_by("created_at", "pk")
    )
