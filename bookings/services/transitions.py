"""Moves of an existing booking by its client or provider side: accept, decline,
cancel, complete, no-show, reschedule, deposit paid."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from bookings.availability import booking_window
from bookings.models import (
    Booking,
)
from bookings.selectors import policy_for
from bookings.services.records import (
    OVERLAP_CONSTRAINT,
    S,
    SlotUnavailable,
    TransitionNotAllowed,
    _lock_profile,
    _move,
    _span,
    _violated,
    is_provider_of,
)
from bookings.services.requests import (
    _take,
)
from core.exceptions import NotFound, PermissionDenied, ValidationFailed

ACTIONS = {
    # action: (statuses it starts from, who may do it)
    "accept": ((S.REQUESTED,), "provider"),
    "decline": ((S.REQUESTED,), "provider"),
    "cancel": ((S.REQUESTED, S.ACCEPTED, S.DEPOSIT_DUE, S.CONFIRMED), "either"),
    "reschedule": ((S.REQUESTED, S.ACCEPTED, S.DEPOSIT_DUE, S.CONFIRMED), "either"),
    "complete": ((S.CONFIRMED,), "provider"),
    "no-show": ((S.CONFIRMED,), "provider"),
}


def _side(*, booking: Booking, actor: User) -> str:
    if is_provider_of(user=actor, profile_id=booking.profile_id):
        return "provider"
    if booking.client_id == actor.pk:
        return "client"
    raise NotFound("Booking not found.")


def _locked(booking_id: int, actor: User) -> tuple[Booking, str]:
    """The booking, row-locked, and the actor's side. Someone who is neither side
    gets 404 (docs/architecture.md, invariant 8)."""
    booking = Booking.objects.select_for_update().filter(pk=booking_id).first()
    if booking is None:
        raise NotFound("Booking not found.")
    return booking, _side(booking=booking, actor=actor)


def _profile_id_of(booking_id: int) -> int:
    profile_id = (
        Booking.objects.filter(pk=booking_id)
        .values_list("profile_id", flat=True)
        .first()
    )
    if profile_id is None:
        raise NotFound("Booking not found.")
    return profile_id


def _check_action(booking: Booking, *, action: str, side: str) -> None:
    starts_from, who = ACTIONS[action]
    if who != "either" and who != side:
        raise PermissionDenied("Only the provider can do this.")
    if booking.status not in starts_from:
        raise TransitionNotAllowed(
            f"A booking that is {booking.get_status_display().lower()} "
            f"cannot be {_past(action)}."
        )


def _past(action: str) -> str:
    return {
        "accept": "accepted",
        "decline": "declined",
        "cancel": "cancelled",
        "reschedule": "rescheduled",
        "complete": "completed",
        "no-show": "marked as a no-show",
    }[action]


def booking_act(
    *, booking_id: int, actor: User, action: str, reason: str = ""
) -> Booking:
    """accept, decline, cancel, complete or no-show, by the client or provider."""
    if action not in ACTIONS or action == "reschedule":
        raise ValidationFailed(fields={"action": ["Unknown action."]})
    try:
        return _act(booking_id=booking_id, actor=actor, action=action, reason=reason)
    except IntegrityError as error:
        if _violated(error, OVERLAP_CONSTRAINT):
            raise SlotUnavailable(
                "This time overlaps a booking already taken."
            ) from error
        raise


@transaction.atomic
def _act(*, booking_id: int, actor: User, action: str, reason: str) -> Booking:
    _lock_profile(_profile_id_of(booking_id))  # before the row lock: one order
    booking, side = _locked(booking_id, actor)
    _check_action(booking, action=action, side=side)
    now = timezone.now()
    if action == "accept":
        return _take(booking, actor=actor, policy=policy_for(profile=booking.profile))
    if action == "decline":
        return _move(booking, to=S.DECLINED, actor=actor, reason=reason)
    if action == "cancel":
        return _cancel(booking, actor=actor, side=side, reason=reason, now=now)
    if booking.start > now:
        raise TransitionNotAllowed("A booking can be closed only after it started.")
    if action == "complete":
        if booking.end > now:
            raise TransitionNotAllowed("A booking can be completed after it ends.")
        return _move(booking, to=S.COMPLETED, actor=actor, reason=reason)
    return _move(booking, to=S.NO_SHOW, actor=actor, reason=reason)


def _cancel(
    booking: Booking, *, actor: User, side: str, reason: str, now: dt.datetime
) -> Booking:
    if booking.start <= now:
        raise TransitionNotAllowed("A booking that has started cannot be cancelled.")
    policy = policy_for(profile=booking.profile)
    late = booking.start - now < dt.timedelta(hours=policy.cancellation_window_hours)
    note = "Late cancellation (inside the free window). " if late else ""
    to = S.CANCELLED_BY_PROVIDER if side == "provider" else S.CANCELLED_BY_CLIENT
    return _move(booking, to=to, actor=actor, reason=f"{note}{reason}".strip())


def booking_reschedule(*, booking_id: int, actor: User, start: dt.datetime) -> Booking:
    """One move within the rules, by either side, before the free-cancellation
    window closes. The status stays; a taken booking keeps its buffers."""
    try:
        return _reschedule(booking_id=booking_id, actor=actor, start=start)
    except IntegrityError as error:
        if _violated(error, OVERLAP_CONSTRAINT):
            raise SlotUnavailable from error
        raise


@transaction.atomic
def _reschedule(*, booking_id: int, actor: User, start: dt.datetime) -> Booking:
    _lock_profile(_profile_id_of(booking_id))
    booking, side = _locked(booking_id, actor)
    _check_action(booking, action="reschedule", side=side)
    policy = policy_for(profile=booking.profile)
    if not policy.allows_reschedule or booking.reschedule_count >= 1:
        raise TransitionNotAllowed("This booking cannot be rescheduled again.")
    window_closes = booking.start - dt.timedelta(hours=policy.cancellation_window_hours)
    if timezone.now() >= window_closes:
        raise TransitionNotAllowed("It is too late to reschedule this booking.")
    end = start + dt.timedelta(minutes=booking.duration_minutes)
    window = booking_window(
        profile=booking.profile, start=start, end=end, exclude_booking_id=booking.pk
    )
    taken = booking.status in Booking.TAKEN
    reason = f"Rescheduled from {booking.start.isoformat()} to {start.isoformat()}."
    return _move(
        booking,
        to=booking.status,
        actor=actor,
        reason=reason,
        start=start,
        end=end,
        city_id=window.city.pk,
        span=_span(start=start, end=end, policy=policy if taken else None),
        reschedule_count=booking.reschedule_count + 1,
    )


def booking_deposit_paid(*, booking_id: int) -> Booking:
    """The payments step's hook: deposit due -> confirmed."""
    with transaction.atomic():
        booking = Booking.objects.select_for_update().get(pk=booking_id)
        if booking.status != S.DEPOSIT_DUE:
            return booking  # a replayed payment event changes nothing
        return _move(booking, to=S.CONFIRMED, actor=None, reason="Deposit paid.")


# --- system moves (Celery beat), each safe to run twice --------------------------
