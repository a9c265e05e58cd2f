"""Moves the clock makes (beat tasks): expiring unanswered requests, completing
finished bookings, claiming reminders once."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from bookings.models import (
    Booking,
)
from bookings.services.records import (
    S,
    _move,
)


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
