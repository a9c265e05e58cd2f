"""Booking notifications and the beat tasks that move bookings by the clock.
Every task takes ids, reloads, and is safe to run twice (DESIGN invariant 11)."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string

from bookings.models import Booking, BookingEvent

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


def _recipient(event: BookingEvent) -> str | None:
    booking = event.booking
    provider = booking.profile.owner
    if event.from_status == event.to_status:  # a reschedule: tell the other side
        to_provider = event.actor_id == booking.client_id
    else:
        to_provider = event.to_status in TO_PROVIDER
    user = provider if to_provider else booking.client
    return user.email if user is not None else None


@shared_task(**RETRY)
def notify_booking_event(event_id: int) -> bool:
    """One email per event, never with the client's note: status, time, link."""
    event = (
        BookingEvent.objects.select_related(
            "booking__client", "booking__profile__owner", "booking__city"
        )
        .filter(pk=event_id)
        .first()
    )
    if event is None or (email := _recipient(event)) is None:
        return False
    context = {
        "booking": event.booking,
        "event": event,
        "dashboard_url": f"{settings.SITE_URL}/dashboard/bookings/",
    }
    subject = render_to_string("bookings/email/event_subject.txt", context)
    body = render_to_string("bookings/email/event.txt", context)
    send_mail(subject.strip(), body, None, [email])
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

    ids = bookings_due_reminders()
    for booking_id in ids:
        send_reminder.delay(booking_id)
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
    subject = render_to_string("bookings/email/reminder_subject.txt", context)
    body = render_to_string("bookings/email/reminder.txt", context)
    recipients = [u.email for u in (booking.client, booking.profile.owner) if u]
    for email in recipients:
        send_mail(subject.strip(), body, None, [email])
    return len(recipients)
