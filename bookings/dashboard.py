"""Bookings' panels on the dashboard home (directory.dashboard). A client sees
what is coming (requested, accepted, deposit due, confirmed; soonest first) and,
apart, the history (declined, cancelled, completed...). A provider sees the
requests waiting for an answer and the next bookings. Each panel costs one or
two queries, however many bookings there are."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from accounts.models import User
from bookings.models import Booking
from bookings.selectors import (
    booking_history_for,
    booking_list_for,
    booking_upcoming_for,
)
from directory.dashboard import CLIENT, DashboardPanel, dashboard_panels

SHOWN = 5
TEMPLATE = "bookings/_dashboard_panel.html"


@receiver(dashboard_panels, dispatch_uid="bookings.dashboard")
def bookings_panels(
    sender: Any, *, user: User, audience: str, **kwargs: Any
) -> list[DashboardPanel]:
    if audience == CLIENT:
        return _client_panels(user)
    return _provider_panels(user)


def _client_panels(user: User) -> list[DashboardPanel]:
    upcoming = list(booking_upcoming_for(user=user, role="client")[: SHOWN + 1])
    history = list(booking_history_for(user=user, role="client")[: SHOWN + 1])
    return [
        _panel("upcoming", 10, upcoming, side="client"),
        _panel("history", 20, history, side="client"),
    ]


def _provider_panels(user: User) -> list[DashboardPanel]:
    theirs = {"user": user, "role": "provider"}
    waiting = booking_list_for(**theirs, statuses=[Booking.Status.REQUESTED])
    requests = list(waiting.order_by("start", "pk")[: SHOWN + 1])
    taken = booking_list_for(**theirs, statuses=list(Booking.TAKEN), upcoming=True)
    upcoming = list(taken.order_by("start", "pk")[: SHOWN + 1])
    return [
        _panel("requests", 20, requests, side="provider", count=waiting.count()),
        _panel("next", 30, upcoming, side="provider"),
    ]


def _panel(
    name: str, order: int, bookings: list[Booking], *, side: str, count: int = 0
) -> DashboardPanel:
    # One more than shown was read: "see all" only when there is more.
    context = {
        "bookings": bookings[:SHOWN],
        "more": len(bookings) > SHOWN,
        "side": side,
        "count": count,
    }
    return DashboardPanel(name, order, TEMPLATE, {"panel": name} | context)
