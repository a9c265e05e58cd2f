"""Writes of bookings. Every status change goes through ``_move``: it checks the
transition, writes the BookingEvent and enqueues the notification after commit.
Overlaps are refused by the exclusion constraint (bookings/models.py); the
services translate its error into a 409."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.utils import timezone

from accounts.models import Role, User
from bookings.availability import booking_window, check_daily_cap
from bookings.models import (
    AvailabilityException,
    AvailabilityRule,
    Booking,
    BookingEvent,
    BookingPolicy,
)
from bookings.selectors import policy_for, profile_live_get
from bookings.signals import availability_changed_after_commit
from bookings.tasks import notify_booking_event
from core.exceptions import Conflict, NotFound, PermissionDenied, ValidationFailed
from directory.models import EscortProfilePage, ProfileRate
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


@dataclass(frozen=True)
class BookingInput:
    profile_id: int
    rate_id: int
    start: dt.datetime
    note: str = ""
    idempotency_key: str | None = None


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
    transaction.on_commit(lambda: notify_booking_event.delay(event.pk))
    availability_changed_after_commit(booking.profile_id)
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
        deposit_minor=rate.amount_minor * policy.deposit_percent // 100,
        note=data.note,
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
        return _move(booking, to=S.DEPOSIT_DUE, actor=None, reason="Deposit required.")
    return _move(booking, to=S.CONFIRMED, actor=None, reason="No deposit required.")


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
    gets 404 (DESIGN invariant 8)."""
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


def bookings_expire_due(*, now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    done = 0
    for pk in Booking.objects.filter(
        status=S.REQUESTED, expires_at__lte=now
    ).values_list("pk", flat=True):
        with transaction.atomic():
            booking = Booking.objects.select_for_update().get(pk=pk)
            if booking.status == S.REQUESTED:
                _move(booking, to=S.EXPIRED, actor=None, reason="No answer in time.")
                done += 1
    return done


def bookings_complete_finished(*, now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    done = 0
    for pk in Booking.objects.filter(status=S.CONFIRMED, end__lte=now).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            booking = Booking.objects.select_for_update().get(pk=pk)
            if booking.status == S.CONFIRMED:
                _move(booking, to=S.COMPLETED, actor=None, reason="Ended.")
                done += 1
    return done


def bookings_due_reminders(
    *, now: dt.datetime | None = None, ahead: dt.timedelta = dt.timedelta(hours=24)
) -> list[int]:
    """Claims the confirmed bookings starting within ``ahead`` that were not
    reminded yet. The conditional UPDATE makes a second run claim nothing."""
    now = now or timezone.now()
    due = Booking.objects.filter(
        status=S.CONFIRMED,
        start__gt=now,
        start__lte=now + ahead,
        reminder_sent_at__isnull=True,
    )
    ids = list(due.values_list("pk", flat=True))
    claimed = Booking.objects.filter(pk__in=ids, reminder_sent_at__isnull=True)
    with transaction.atomic():
        ids = list(
            claimed.select_for_update(skip_locked=True).values_list("pk", flat=True)
        )
        Booking.objects.filter(pk__in=ids).update(reminder_sent_at=now)
    return ids


@dataclass(frozen=True)
class RuleInput:
    weekday: int
    start_time: dt.time
    end_time: dt.time


@dataclass(frozen=True)
class ExceptionInput:
    date: dt.date
    kind: str
    start_time: dt.time | None = None
    end_time: dt.time | None = None


POLICY_FIELDS = (
    "requires_acceptance",
    "min_notice_minutes",
    "max_days_ahead",
    "buffer_before_minutes",
    "buffer_after_minutes",
    "daily_cap",
    "cancellation_window_hours",
    "allows_reschedule",
    "request_expiry_hours",
    "deposit_percent",
)


@transaction.atomic
def availability_replace(
    *,
    profile_id: int,
    actor: User,
    policy: dict,
    rules: list[RuleInput],
    exceptions: list[ExceptionInput],
) -> BookingPolicy:
    """The provider's hours, dated exceptions and policy, replaced as a whole.
    Not a revision: hours are not reviewed content, and bookings already made
    keep their times (changing hours never cancels anyone)."""
    profile = profiles_editable_by(user=actor).filter(pk=profile_id).first()
    if profile is None:
        raise NotFound("Profile not found.")
    _lock_profile(profile.pk)
    saved, _ = BookingPolicy.objects.get_or_create(profile=profile)
    for name in POLICY_FIELDS:
        if name in policy:
            setattr(saved, name, policy[name])
    saved.save()
    AvailabilityRule.objects.filter(profile=profile).delete()
    AvailabilityRule.objects.bulk_create(
        AvailabilityRule(profile=profile, **vars(rule)) for rule in rules
    )
    AvailabilityException.objects.filter(profile=profile).delete()
    AvailabilityException.objects.bulk_create(
        AvailabilityException(profile=profile, **vars(item)) for item in exceptions
    )
    availability_changed_after_commit(profile.pk)
    return saved
