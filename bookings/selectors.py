"""Reads of bookings, each scoped to the acting user (docs/architecture.md,
invariant 8)."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from bookings.models import Booking, BookingEvent, BookingPolicy
from core.exceptions import NotFound
from core.ids import MAX_PAGE_ID
from directory.models import EscortProfilePage
from directory.selectors import profile_public_list, provider_side_q


def profile_live_get(*, profile_id: int) -> EscortProfilePage:
    """A live profile that may be shown, by the public list's rules but without
    its card prefetches; anything else is "not found"."""
    profile = (
        profile_public_list()
        .prefetch_related(None)
        .select_related("home_city")
        .filter(pk=profile_id)
        .first()
        if 0 < profile_id <= MAX_PAGE_ID
        else None
    )
    if profile is None:
        raise NotFound("Profile not found.")
    return profile


def policy_for(*, profile: EscortProfilePage) -> BookingPolicy:
    """The provider's policy, or the defaults (unsaved) when they never set one."""
    try:
        return BookingPolicy.objects.get(profile=profile)
    except BookingPolicy.DoesNotExist:
        return BookingPolicy(profile=profile)


def bookings_visible_to(*, user: User) -> QuerySet[Booking]:
    """Bookings the user is a side of: their own as client, and those of the
    profiles they own or manage through an agency."""
    if not user.is_authenticated:
        return Booking.objects.none()
    return Booking.objects.filter(
        Q(client=user) | provider_side_q(user=user, prefix="profile__")
    )


def booking_list_for(
    *,
    user: User,
    role: str | None = None,
    statuses: list[str] | None = None,
    upcoming: bool | None = None,
    assigned_to_me: bool = False,
) -> QuerySet[Booking]:
    bookings = bookings_visible_to(user=user)
    if assigned_to_me:
        bookings = bookings.filter(assigned_to=user)
    if role == "client":
        bookings = bookings.filter(client=user)
    elif role == "provider":
        bookings = bookings.exclude(client=user)
    if statuses:
        bookings = bookings.filter(status__in=statuses)
    if upcoming is not None:
        now = timezone.now()
        bookings = (
            bookings.filter(end__gt=now) if upcoming else bookings.filter(end__lte=now)
        )
    return bookings.select_related("profile", "client", "city", "assigned_to")


def booking_upcoming_for(*, user: User, role: str) -> QuerySet[Booking]:
    """Still to come for ``role``'s side: requested, accepted, deposit due or
    confirmed, not yet over; soonest first."""
    return booking_list_for(
        user=user, role=role, statuses=list(Booking.ACTIVE), upcoming=True
    ).order_by("start", "pk")


def booking_history_for(*, user: User, role: str) -> QuerySet[Booking]:
    """Everything else, newest first: declined, cancelled, expired, completed and
    no-show bookings, and active ones whose time has passed. A declined booking
    next week is history, not "upcoming"."""
    over = ~Q(status__in=Booking.ACTIVE) | Q(end__lte=timezone.now())
    return booking_list_for(user=user, role=role).filter(over).order_by("-start", "-pk")


def booking_get_for(*, user: User, booking_id: int) -> Booking:
    booking = (
        booking_list_for(user=user)
        .prefetch_related(
            Prefetch(
                "events", queryset=BookingEvent.objects.order_by("created_at", "id")
            )
        )
        .filter(pk=booking_id)
        .first()
    )
    if booking is None:
        raise NotFound("Booking not found.")
    return booking


def booking_queue_for(*, user: User) -> QuerySet[Booking]:
    """ "My queue": the bookings assigned to ``user`` that still need action
    (requested, accepted, deposit due or confirmed, not over), soonest first.
    Scoped like every list: an assignment left over from an agency the user
    has left shows nothing."""
    return booking_list_for(
        user=user,
        role="provider",
        statuses=list(Booking.ACTIVE),
        upcoming=True,
        assigned_to_me=True,
    ).order_by("start", "pk")


def booking_assignable_staff(*, booking: Booking) -> QuerySet[User]:
    """Whom ``booking`` may be assigned to: the staff of its profile's agency
    (none for an independent's booking)."""
    agency_id = booking.profile.agency_id
    if agency_id is None:
        return User.objects.none()
    return User.objects.filter(agency_memberships__agency_id=agency_id).order_by(
        "display_name", "email"
    )
