"""A client asks for a time: checks, the idempotency key, the insert under the
exclusion constraint, and taking a time (instant profiles, acceptance)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone

from accounts.models import Role, User
from bookings.availability import booking_window, check_daily_cap
from bookings.models import (
    Booking,
    BookingPolicy,
)
from bookings.screening import screening_refusal
from bookings.selectors import policy_for, profile_live_get
from bookings.services.records import (
    DEADLOCK_DETECTED,
    IDEMPOTENCY_CONSTRAINT,
    OVERLAP_CONSTRAINT,
    S,
    SlotUnavailable,
    _event,
    _lock_profile,
    _move,
    _span,
    _violated,
    is_provider_of,
)
from core.exceptions import Conflict, PermissionDenied, ValidationFailed
from directory.models import EscortProfilePage, ProfileRate


@dataclass(frozen=True)
class BookingInput:
    profile_id: int
    rate_id: int
    start: dt.datetime
    note: str = ""
    idempotency_key: str | None = None
    # Outcall only: kept when the rate is an outcall, dropped for incall.
    meeting_place: str = ""


def _bookable_profile(profile_id: int) -> EscortProfilePage:
    profile = profile_live_get(profile_id=profile_id)
    if profile.contact_preference == EscortProfilePage.ContactPreference.MESSAGES:
        raise PermissionDenied("This companion does not take booking requests.")
    return profile


def _rate(profile: EscortProfilePage, rate_id: int) -> ProfileRate:
    rate = ProfileRate.objects.filter(page=profile, pk=rate_id).first()
    if rate is None:
        raise ValidationFailed(fields={"rate": ["Choose one of this profile's rates."]})
    return rate


def _check_client(client: User, profile: EscortProfilePage) -> None:
    if client.role != Role.CLIENT:
        raise PermissionDenied("Only client accounts can request bookings.")
    if client.is_suspended:
        raise PermissionDenied("Your account is suspended.")
    if is_provider_of(user=client, profile_id=profile.pk):
        raise PermissionDenied("You cannot book your own profile.")


def _replayed(*, client: User, data: BookingInput) -> Booking | None:
    """The booking an earlier submission with the same key made, if any. The same
    key with a different request is a client bug: 409."""
    if not data.idempotency_key:
        return None
    earlier = Booking.objects.filter(
        client=client, idempotency_key=data.idempotency_key
    ).first()
    if earlier is None:
        return None
    if (earlier.profile_id, earlier.start) != (data.profile_id, data.start):
        raise Conflict(
            "This Idempotency-Key was used for a different booking request.",
        )
    return earlier


def booking_request(*, client: User, data: BookingInput) -> tuple[Booking, bool]:
    """Ask for a time. Returns (booking, created); ``created`` is False when an
    idempotent replay returned the booking an earlier submission made."""
    if (earlier := _replayed(client=client, data=data)) is not None:
        return earlier, False
    profile = _bookable_profile(data.profile_id)
    _check_client(client, profile)
    if refusal := screening_refusal(profile=profile, client=client, kind="booking"):
        raise refusal
    rate = _rate(profile, data.rate_id)
    end = data.start + dt.timedelta(minutes=rate.duration_minutes)
    window = booking_window(profile=profile, start=data.start, end=end)
    policy = policy_for(profile=profile)
    try:
        booking = _create(
            client=client,
            profile=profile,
            rate=rate,
            data=data,
            end=end,
            city_id=window.city.pk,
            policy=policy,
        )
    except OperationalError as error:
        # Backstop: should a deadlock still happen, the loser's time was taken.
        if getattr(error.__cause__, "sqlstate", None) == DEADLOCK_DETECTED:
            raise SlotUnavailable from error
        raise
    except IntegrityError as error:
        if _violated(error, IDEMPOTENCY_CONSTRAINT):
            # A concurrent submission with the same key won: answer with its booking.
            return _replayed(client=client, data=data), False
        if _violated(error, OVERLAP_CONSTRAINT):
            raise SlotUnavailable from error
        raise
    return booking, True


@transaction.atomic
def _create(
    *,
    client: User,
    profile: EscortProfilePage,
    rate: ProfileRate,
    data: BookingInput,
    end: dt.datetime,
    city_id: int,
    policy: BookingPolicy,
) -> Booking:
    # Every write to a profile's bookings holds this lock first. Without it two
    # concurrent inserts of overlapping spans can each find the other's
    # uncommitted index entry and wait on it: a deadlock (500) instead of a 409.
    # The exclusion constraint still decides who gets the time.
    _lock_profile(profile.pk)
    now = timezone.now()
    expiry = now + dt.timedelta(hours=policy.request_expiry_hours)
    booking = Booking.objects.create(
        client=client,
        profile=profile,
        city_id=city_id,
        start=data.start,
        end=end,
        span=_span(start=data.start, end=end, policy=None),
        duration_minutes=rate.duration_minutes,
        location=rate.kind,
        price_minor=rate.amount_minor,
        currency=rate.currency,
        deposit_minor=policy.deposit_for(rate.amount_minor),
        note=data.note,
        meeting_place=data.meeting_place
        if rate.kind == ProfileRate.Kind.OUTCALL
        else "",
        expires_at=min(expiry, data.start),
        idempotency_key=data.idempotency_key or None,
    )
    _event(booking, actor=client, from_status="")
    if not policy.requires_acceptance:
        _take(booking, actor=None, policy=policy, reason="Instant booking.")
    return booking


# --- provider moves ------------------------------------------------------------------


def _take(
    booking: Booking, *, actor: User | None, policy: BookingPolicy, reason: str = ""
) -> Booking:
    """requested -> accepted (-> deposit due | confirmed). Declines the requests the
    buffered span now covers, then widens the span; the constraint backs it up."""
    try:
        check_daily_cap(booking=booking, policy=policy)
    except ValidationFailed as error:
        raise Conflict(error.fields["start"][0]) from error
    span = _span(start=booking.start, end=booking.end, policy=policy)
    neighbours = (
        Booking.objects.select_for_update()
        .filter(profile_id=booking.profile_id, status=S.REQUESTED, span__overlap=span)
        .exclude(pk=booking.pk)
    )
    for other in neighbours:
        _move(
            other,
            to=S.DECLINED,
            actor=actor,
            reason="Another booking was accepted for this time.",
        )
    _move(booking, to=S.ACCEPTED, actor=actor, reason=reason, span=span)
    if booking.deposit_minor:
        from bookings.deposits import deposit_deadline

        return _move(
            booking,
            to=S.DEPOSIT_DUE,
            actor=None,
            reason="Deposit required.",
            expires_at=deposit_deadline(booking=booking, now=timezone.now()),
        )
    return _move(booking, to=S.CONFIRMED, actor=None, reason="No deposit required.")
