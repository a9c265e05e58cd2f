"""How a booking row and its history are written: under the profile's advisory
lock, one BookingEvent per move, notices and availability signals after commit."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, connection
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange

from accounts.models import User
from bookings.models import (
    Booking,
    BookingEvent,
    BookingPolicy,
)
from bookings.signals import availability_changed_after_commit
from bookings.tasks import notify_booking_event
from core.exceptions import Conflict
from core.outbox import outbox_enqueue
from directory.selectors import profiles_editable_by

S = Booking.Status
# pg_advisory_xact_lock(namespace, profile id), taken first by every write to a
# profile's bookings: they run one at a time per profile, so concurrent inserts
# and acceptances never wait on each other's uncommitted rows (a deadlock).
PROFILE_LOCK_NAMESPACE = 5_141
OVERLAP_CONSTRAINT = "bookings_no_overlap"
IDEMPOTENCY_CONSTRAINT = "bookings_idempotency_key_per_client"
DEADLOCK_DETECTED = "40P01"


class SlotUnavailable(Conflict):
    code = "slot_unavailable"
    default_message = "This time is no longer available."


class TransitionNotAllowed(Conflict):
    code = "transition_not_allowed"


# --- helpers ---------------------------------------------------------------------


def _lock_profile(profile_id: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, %s)", [PROFILE_LOCK_NAMESPACE, profile_id]
        )


def _violated(error: IntegrityError, name: str) -> bool:
    diag = getattr(error.__cause__, "diag", None)
    return getattr(diag, "constraint_name", None) == name


def _span(*, start: dt.datetime, end: dt.datetime, policy: BookingPolicy | None):
    if policy is None:  # a request holds exactly its time
        return DateTimeTZRange(start, end, "[)")
    return DateTimeTZRange(
        start - dt.timedelta(minutes=policy.buffer_before_minutes),
        end + dt.timedelta(minutes=policy.buffer_after_minutes),
        "[)",
    )


def _event(
    booking: Booking, *, actor: User | None, from_status: str, reason: str = ""
) -> BookingEvent:
    event = BookingEvent.objects.create(
        booking=booking,
        actor=actor,
        from_status=from_status,
        to_status=booking.status,
        reason=reason[:500],
    )
    outbox_enqueue(notify_booking_event, event.pk)
    availability_changed_after_commit(booking.profile_id)
    if booking.deposit_minor and from_status in (S.DEPOSIT_DUE, S.CONFIRMED):
        # A paid deposit goes back or to the provider by the policy, once the
        # status is final (bookings/deposits.py).
        from bookings.deposits import SETTLED_ON, deposit_settle_later

        if booking.status in SETTLED_ON:
            deposit_settle_later(booking_id=booking.pk)
    return event


def _move(
    booking: Booking, *, to: str, actor: User | None, reason: str = "", **fields
) -> Booking:
    from_status = booking.status
    booking.status = to
    for name, value in fields.items():
        setattr(booking, name, value)
    booking.save(update_fields=["status", "updated_at", *fields])
    _event(booking, actor=actor, from_status=from_status, reason=reason)
    return booking


def is_provider_of(*, user: User, profile_id: int) -> bool:
    return profiles_editable_by(user=user).filter(pk=profile_id).exists()


# --- request ---------------------------------------------------------------------
