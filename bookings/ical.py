"""A provider's bookings as an iCalendar feed (RFC 5545) for their own calendar
app. The feed URL carries the secret token instead of a login, so an event says
only when and what: never the client's name, email or note."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import icalendar

from bookings.models import Booking
from directory.models import EscortProfilePage

PRODUCT_ID = "-//Premium Escorts Directory//Bookings//EN"
UID_DOMAIN = "premium-escorts"
FEED_DAYS_BACK = 30
# Calendar apps draw TENTATIVE events differently: a request is not yet taken.
EVENT_STATUS = {
    Booking.Status.REQUESTED: "TENTATIVE",
    Booking.Status.ACCEPTED: "CONFIRMED",
    Booking.Status.DEPOSIT_DUE: "CONFIRMED",
    Booking.Status.CONFIRMED: "CONFIRMED",
}


def booking_uid(booking: Booking) -> str:
    # Stable across feeds and reschedules, so calendar apps update the event in
    # place instead of adding a second one.
    return f"booking-{booking.pk}@{UID_DOMAIN}"


def booking_calendar(
    *, profile: EscortProfilePage, bookings: Iterable[Booking]
) -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"Bookings · {profile.title}")
    for booking in bookings:
        calendar.add_component(_event(booking))
    return calendar.to_ical()


def _event(booking: Booking) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", booking_uid(booking))
    event.add("dtstamp", booking.updated_at.astimezone(dt.UTC))
    event.add("dtstart", booking.start.astimezone(dt.UTC))
    event.add("dtend", booking.end.astimezone(dt.UTC))
    event.add(
        "summary",
        f"Booking: {booking.duration_minutes} min ({booking.get_status_display()})",
    )
    event.add("status", EVENT_STATUS.get(booking.status, "TENTATIVE"))
    return event
