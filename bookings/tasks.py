"""Booking notifications and the beat tasks that move bookings by the clock.
Every task takes ids, reloads, and is safe to run twice (docs/architecture.md,
invariant 11)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from accounts.models import User
from bookings.models import Booking, BookingEvent
from core.formatting import format_local_time
from core.outbox import outbox_enqueue
from directory.selectors import profile_provider_users
from notifications import titles
from notifications.models import Kind
from notifications.services import Email, notify
from notifications.titles import BookingFacts

logger = logging.getLogger(__name__)
S = Booking.Status
RETRY = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": (OSError,),
    "retry_backoff": True,
    "max_retries": 5,
}
# The title of a move, by the status it reached (notifications.titles is the one
# home of the wording). Accepted has none on purpose: the same transaction moves
# on to deposit due or confirmed, and that event tells the acceptance, so one
# accept makes one notice, not two.
TITLE_OF_STATUS = {
    S.REQUESTED: titles.booking_requested,
    S.DECLINED: titles.booking_declined,
    S.CANCELLED_BY_CLIENT: titles.booking_cancelled_by_client,
    S.CANCELLED_BY_PROVIDER: titles.booking_cancelled_by_provider,
    S.EXPIRED: titles.booking_expired,
    S.COMPLETED: titles.booking_completed,
    S.NO_SHOW: titles.booking_no_show,
    S.CONFIRMED: titles.booking_confirmed,  # the deposit was paid
}
TitleFunction = Callable[[titles.BookingFacts], str]


def _title_function(event: BookingEvent) -> TitleFunction | None:
    if event.from_status == event.to_status:
        return titles.booking_rescheduled
    if event.to_status == S.ACCEPTED:
        return None
    if event.from_status == S.ACCEPTED:
        if event.to_status == S.DEPOSIT_DUE:
            return titles.booking_deposit_due
        return titles.booking_accepted
    return TITLE_OF_STATUS.get(event.to_status)


def _acted_by(event: BookingEvent) -> User | None:
    """Who made the move. The step right after an acceptance is the system's,
    but the person who accepted is the one who acted."""
    if event.from_status != S.ACCEPTED or event.from_status == event.to_status:
        return event.actor
    accepted = (
        BookingEvent.objects.select_related("actor")
        .filter(booking_id=event.booking_id, to_status=S.ACCEPTED, pk__lt=event.pk)
        .order_by("-pk")
        .first()
    )
    return accepted.actor if accepted else None


def _readers(booking: Booking, *, actor: User | None) -> list[tuple[User, str]]:
    """Everyone on the booking (its client, the escort, their agency's staff),
    each with the title's audience, less whoever acted: nobody is told of their
    own move (an agency manager who accepts is not told; the escort owner is)."""
    readers = [(booking.client, titles.CLIENT)]
    for user in profile_provider_users(profile=booking.profile).order_by("pk"):
        owner = user.pk == booking.profile.owner_id
        readers.append((user, titles.PROVIDER if owner else titles.AGENCY))
    return [(u, a) for u, a in readers if actor is None or u.pk != actor.pk]


def _facts(booking: Booking, *, actor: User | None, audience: str) -> BookingFacts:
    by = ""
    if actor is not None and actor.pk != booking.client_id:
        same = actor.pk == booking.profile.owner_id
        by = booking.profile.title if same else actor.display_name or _("Your agency")
    return BookingFacts(
        profile=booking.profile.title,
        client=booking.client.display_name or _("A client"),
        when=format_local_time(booking.start, booking.city.time_zone),
        by=by,
        audience=audience,
    )


def _rendered(name: str, context: dict) -> Email:
    subject = render_to_string(f"bookings/email/{name}_subject.txt", context)
    return Email(
        subject.strip(), render_to_string(f"bookings/email/{name}.txt", context)
    )


@shared_task(**RETRY)
def notify_booking_event(event_id: int) -> bool:
    """One notice (and email, by preference) per event and reader, never with the
    client's note: who did what, when, and a link. Safe to run twice: the event id
    dedupes (a unique constraint per recipient)."""
    event = (
        BookingEvent.objects.select_related(
            "actor", "booking__client", "booking__profile", "booking__city"
        )
        .filter(pk=event_id)
        .first()
    )
    title_of = _title_function(event) if event is not None else None
    if title_of is None:
        return False
    booking, actor = event.booking, _acted_by(event)
    readers = _readers(booking, actor=actor)
    if actor is None:
        # The clock's moves (expiry, completion, an instant booking's acceptance,
        # a paid deposit) are news for the client only, as they always were.
        readers = [(u, a) for u, a in readers if a == titles.CLIENT]
    context = {
        "booking": booking,
        "event": event,
        "dashboard_url": f"{settings.SITE_URL}/dashboard/bookings/",
    }
    email = _rendered("event", context)
    for user, audience in readers:
        notify(
            recipient=user,
            kind=Kind.BOOKING,
            title=title_of(_facts(booking, actor=actor, audience=audience)),
            url=f"/dashboard/bookings/{event.booking_id}/",
            email=email,
            dedupe_key=f"booking-event:{event.pk}",
        )
    return bool(readers)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def expire_requests() -> int:
    from bookings.services import bookings_expire_due

    return bookings_expire_due()


@shared_task(acks_late=True, reject_on_worker_lost=True)
def complete_finished() -> int:
    from bookings.services import bookings_complete_finished

    return bookings_complete_finished()


@shared_task(acks_late=True, reject_on_worker_lost=True)
def send_reminders() -> int:
    """Claims due bookings first (once), then mails both sides of each."""
    from bookings.services import bookings_due_reminders

    # The claim and the reminders' outbox entries commit together: a reminder
    # claimed is a reminder recorded, whatever the broker does.
    with transaction.atomic():
        ids = bookings_due_reminders()
        for booking_id in ids:
            outbox_enqueue(send_reminder, booking_id)
    return len(ids)


@shared_task(**RETRY)
def send_reminder(booking_id: int) -> int:
    booking = (
        Booking.objects.select_related("client", "profile", "city")
        .filter(pk=booking_id, status=S.CONFIRMED)
        .first()
    )
    if booking is None:
        return 0
    context = {
        "booking": booking,
        "dashboard_url": f"{settings.SITE_URL}/dashboard/bookings/",
    }
    email = _rendered("reminder", context)
    readers = _readers(booking, actor=None)
    for user, audience in readers:
        notify(
            recipient=user,
            kind=Kind.BOOKING,
            title=titles.booking_reminder(
                _facts(booking, actor=None, audience=audience)
            ),
            url=f"/dashboard/bookings/{booking.pk}/",
            email=email,
            dedupe_key=f"booking-reminder:{booking.pk}",
        )
    return len(readers)


# --- deposits (bookings/deposits.py, docs/deposits.md) -----------------------------


@shared_task(acks_late=True, reject_on_worker_lost=True)
def expire_unpaid_deposits() -> int:
    from bookings.deposits import deposits_expire_unpaid

    return deposits_expire_unpaid()


@shared_task(**RETRY)
def notify_deposit_expired(booking_id: int) -> int:
    """The provider's side of an expiry for an unpaid deposit (the client hears
    of it through the booking event): the time is free again."""
    booking = (
        Booking.objects.select_related("client", "profile", "city")
        .filter(pk=booking_id, status=S.EXPIRED)
        .first()
    )
    if booking is None:
        return 0
    readers = [
        (user, audience)
        for user, audience in _readers(booking, actor=None)
        if audience != titles.CLIENT
    ]
    facts_when = format_local_time(booking.start, booking.city.time_zone)
    for user, _audience in readers:
        notify(
            recipient=user,
            kind=Kind.BOOKING,
            title=_(
                "The deposit for %(when)s was not paid in time: the booking "
                "expired and the time is free again."
            )
            % {"when": facts_when},
            url=f"/dashboard/bookings/{booking.pk}/",
            dedupe_key=f"booking-deposit-expired:{booking.pk}",
        )
    return len(readers)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def settle_deposit(booking_id: int) -> None:
    """Outbox hop: runs in the outbox's transaction, so the gateway call waits
    for its commit (payments calls gateways outside transactions)."""
    from core.outbox import task_send

    transaction.on_commit(lambda: task_send(settle_deposit_now, booking_id))


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def settle_deposit_now(booking_id: int) -> str:
    from bookings.deposits import deposit_settle

    return deposit_settle(booking_id=booking_id)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def settle_deposits_sweep() -> int:
    """What the outbox hop missed (a lost message, an unreachable gateway)."""
    from bookings.deposits import deposit_settle, deposits_unsettled

    done = 0
    for booking_id in deposits_unsettled().values_list("pk", flat=True)[:200]:
        try:
            deposit_settle(booking_id=booking_id)
            done += 1
        except Exception:  # one failure must not stop the sweep
            logger.exception("deposit of booking %s not settled", booking_id)
    return done
