"""Booking notifications and the beat tasks that move bookings by the clock.
Every task takes ids, reloads, and is safe to run twice (docs/architecture.md,
invariant 11)."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string

from accounts.models import User
from bookings.models import Booking, BookingEvent
from core.outbox import outbox_enqueue
from notifications.models import Kind
from notifications.services import Email, notify

S = Booking.Status
# Who hears about a move: the side that did not make it.
TO_PROVIDER = {S.REQUESTED, S.CANCELLED_BY_CLIENT}
RETRY = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": (OSError,),
    "retry_backoff": True,
    "max_retries": 5,
}


def _recipient(event: BookingEvent) -> User | None:
    booking = event.booking
    provider = booking.profile.owner
    if event.from_status == event.to_status:  # a reschedule: tell the other side
        to_provider = event.actor_id == booking.client_id
    else:
        to_provider = event.to_status in TO_PROVIDER
    return provider if to_provider else booking.client


def _rendered(name: str, context: dict) -> Email:
    subject = render_to_string(f"bookings/email/{name}_subject.txt", context)
    return Email(
        subject.strip(), render_to_string(f"bookings/email/{name}.txt", context)
    )


@shared_task(**RETRY)
def notify_booking_event(event_id: int) -> bool:
    """One notice (and email, by preference) per event, never with the client's
    note: status, time, link. Safe to run twice: the event id dedupes."""
    event = (
        BookingEvent.objects.select_related(
            "booking__client", "booking__profile__owner", "booking__city"
        )
        .filter(pk=event_id)
        .first()
    )
    if event is None or (recipient := _recipient(event)) is None:
        return False
    context = {
        "booking": event.booking,
        "event": event,
        "dashboard_url": f"{settings.SITE_URL}/dashboard/bookings/",
    }
    email = _rendered("event", context)
    notify(
        recipient=recipient,
        kind=Kind.BOOKING,
        title=email.subject,
        url=f"/dashboard/bookings/{event.booking_id}/",
        email=email,
        dedupe_key=f"booking-event:{event.pk}",
    )
    return True


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
        Booking.objects.select_related("client", "profile__owner", "city")
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
    recipients = [u for u in (booking.client, booking.profile.owner) if u]
    for user in recipients:
        notify(
            recipient=user,
            kind=Kind.BOOKING,
            title=email.subject,
            url=f"/dashboard/bookings/{booking.pk}/",
            email=email,
            dedupe_key=f"booking-reminder:{booking.pk}",
        )
    return len(recipients)
