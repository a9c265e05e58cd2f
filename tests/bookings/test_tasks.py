"""The beat tasks move bookings by the clock, and each is safe to run twice: the
second run changes nothing, writes no event and sends no email."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.utils import timezone

from bookings.models import Booking, BookingEvent
from bookings.tasks import (
    complete_finished,
    expire_requests,
    send_reminder,
    send_reminders,
)
from directory.models import CityPage, EscortProfilePage
from tests.factories.bookings import (
    bookable_profile,
    client_account,
    local_time,
    request_booking,
)
from tests.factories.pages import make_city

pytestmark = pytest.mark.django_db

S = Booking.Status
NOTE = "Please wear the blue scarf, table by the window."


@pytest.fixture
def berlin() -> CityPage:
    return make_city("Berlin", slug="berlin-tasks")


@pytest.fixture
def profile(berlin) -> EscortProfilePage:
    return bookable_profile("Clara", city=berlin)


def booking(profile: EscortProfilePage, *, day: int, hour: int = 14) -> Booking:
    made = request_booking(
        profile, start=local_time(profile.home_city, days=day, hour=hour)
    )
    Booking.objects.filter(pk=made.pk).update(note=NOTE)
    return made


def move_to(booking: Booking, *, start: dt.datetime, status: str) -> None:
    """Puts a booking at another time and status, as the clock would have: the
    services refuse times in the past."""
    end = start + dt.timedelta(minutes=booking.duration_minutes)
    Booking.objects.filter(pk=booking.pk).update(
        status=status, start=start, end=end, span=DateTimeTZRange(start, end, "[)")
    )


def events_to(booking: Booking, status: str) -> int:
    return BookingEvent.objects.filter(booking=booking, to_status=status).count()


def run_twice(task, capture) -> list[int]:  # noqa: ANN001
    """Runs a task twice (eagerly), each run's after-commit callbacks included."""
    results = []
    for _ in range(2):
        with capture(execute=True):
            results.append(task.delay().get())
    return results


def test_expire_requests_expires_due_requests_once(
    profile, django_capture_on_commit_callbacks
):
    due = booking(profile, day=3)
    not_yet = booking(profile, day=4)
    Booking.objects.filter(pk=due.pk).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    mail.outbox.clear()

    assert run_twice(expire_requests, django_capture_on_commit_callbacks) == [1, 0]

    assert Booking.objects.get(pk=due.pk).status == S.EXPIRED
    assert Booking.objects.get(pk=not_yet.pk).status == S.REQUESTED
    assert events_to(due, S.EXPIRED) == 1
    event = BookingEvent.objects.get(booking=due, to_status=S.EXPIRED)
    assert event.actor is None and event.from_status == S.REQUESTED
    # The client hears once that nobody answered; the note never leaves the site.
    assert [m.to for m in mail.outbox] == [[due.client.email]]
    assert NOTE not in mail.outbox[0].body


def test_complete_finished_completes_ended_bookings_once(
    profile, django_capture_on_commit_callbacks
):
    ended = booking(profile, day=3)
    running = booking(profile, day=4)
    requested = booking(profile, day=5)
    now = timezone.now()
    move_to(ended, start=now - dt.timedelta(days=2), status=S.CONFIRMED)
    # Started, not ended: stays confirmed.
    move_to(running, start=now - dt.timedelta(minutes=30), status=S.CONFIRMED)
    move_to(requested, start=now - dt.timedelta(days=1), status=S.REQUESTED)
    mail.outbox.clear()

    assert run_twice(complete_finished, django_capture_on_commit_callbacks) == [1, 0]

    statuses = dict(Booking.objects.values_list("pk", "status"))
    assert statuses == {
        ended.pk: S.COMPLETED,
        running.pk: S.CONFIRMED,
        requested.pk: S.REQUESTED,
    }
    assert events_to(ended, S.COMPLETED) == 1
    assert BookingEvent.objects.get(booking=ended, to_status=S.COMPLETED).actor is None
    assert [m.to for m in mail.outbox] == [[ended.client.email]]
    assert NOTE not in mail.outbox[0].body


def test_send_reminders_mails_both_sides_once_without_the_note(
    profile, django_capture_on_commit_callbacks
):
    client = client_account(email="max@example.test")
    soon = request_booking(
        profile, start=local_time(profile.home_city, days=3, hour=14), client=client
    )
    Booking.objects.filter(pk=soon.pk).update(note=NOTE)
    far = booking(profile, day=5)
    unconfirmed = booking(profile, day=6)
    now = timezone.now()
    move_to(soon, start=now + dt.timedelta(hours=5), status=S.CONFIRMED)
    move_to(far, start=now + dt.timedelta(days=3), status=S.CONFIRMED)
    move_to(unconfirmed, start=now + dt.timedelta(hours=8), status=S.REQUESTED)
    mail.outbox.clear()

    assert run_twice(send_reminders, django_capture_on_commit_callbacks) == [1, 0]

    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        ["max@example.test", profile.owner.email]
    )
    for message in mail.outbox:
        assert f"booking {soon.pk}" in message.subject.lower()
        assert "Clara" in message.body
        assert NOTE not in message.body and NOTE not in message.subject
    reminded = dict(Booking.objects.values_list("pk", "reminder_sent_at"))
    assert reminded[soon.pk] is not None
    assert reminded[far.pk] is None and reminded[unconfirmed.pk] is None
    # A reminder is not a transition: no event, the status stays.
    assert Booking.objects.get(pk=soon.pk).status == S.CONFIRMED
    assert not BookingEvent.objects.filter(booking=soon, to_status=S.COMPLETED)


def test_a_reminder_is_not_sent_for_a_booking_cancelled_after_the_claim(
    profile, django_capture_on_commit_callbacks
):
    """The claim and the mail are two steps; a booking that left ``confirmed``
    in between gets no reminder."""
    soon = booking(profile, day=3)
    move_to(
        soon, start=timezone.now() + dt.timedelta(hours=5), status=S.CANCELLED_BY_CLIENT
    )
    mail.outbox.clear()

    assert send_reminder.delay(soon.pk).get() == 0
    assert mail.outbox == []


def test_a_reminder_claimed_while_the_broker_is_down_is_sent_by_the_sweep(
    profile, django_capture_on_commit_callbacks
):
    """The claim and the reminder's outbox entry commit together: the broker
    being down at that moment delays the mail, never loses it."""
    from core.models import OutboxEntry
    from core.tasks import deliver_pending
    from tests.outage import Outage

    soon = booking(profile, day=3)
    move_to(soon, start=timezone.now() + dt.timedelta(hours=5), status=S.CONFIRMED)
    # The request's own notice is not this test's business.
    OutboxEntry.objects.update(delivered_at=timezone.now())
    mail.outbox.clear()
    outage = Outage()
    outage.start()
    try:
        with django_capture_on_commit_callbacks(execute=True):
            assert send_reminders() == 1
    finally:
        outage.end()
    assert mail.outbox == []
    assert Booking.objects.get(pk=soon.pk).reminder_sent_at is not None
    pending = OutboxEntry.objects.filter(delivered_at__isnull=True)
    assert list(pending.values_list("task", "args")) == [
        ("bookings.tasks.send_reminder", [soon.pk])
    ]
    pending.update(due_at=timezone.now())
    for _ in range(2):  # a second sweep sends nothing twice
        with django_capture_on_commit_callbacks(execute=True):
            deliver_pending()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [soon.client.email, profile.owner.email]
    )
