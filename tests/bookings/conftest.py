"""Shared fixtures of the bookings tests. The deposit ones
(tests/bookings/test_deposits*.py): a deposit profile (20 %), a client's
booking of it accepted by its owner (so deposit due), and ``ledger_balanced``,
which those modules use to check the ledger after every test."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.utils import timezone

from accounts.models import User
from bookings.models import Booking
from bookings.services import booking_act
from tests.factories.bookings import (
    bookable_profile,
    client_account,
    local_time,
    request_booking,
)
from tests.factories.pages import EscortOwnerFactory, make_city

DEPOSIT_PERCENT = 20


@pytest.fixture
def deposit_owner(db) -> User:  # noqa: ANN001
    return EscortOwnerFactory(email="nora@example.test")


@pytest.fixture
def deposit_profile(deposit_owner):  # noqa: ANN001, ANN201
    city = make_city("Vienna", country="Austria", time_zone="Europe/Vienna")
    return bookable_profile(
        "Nora", city=city, owner=deposit_owner, deposit_percent=DEPOSIT_PERCENT
    )


@pytest.fixture
def deposit_client(db) -> User:  # noqa: ANN001
    return client_account(email="theo@example.test")


def due_booking(profile, client: User, owner: User, *, days: int = 3) -> Booking:  # noqa: ANN001
    """Requested and accepted: deposit due, with its deadline."""
    start = local_time(profile.home_city, days=days, hour=14)
    booking = request_booking(profile, start=start, client=client)
    return booking_act(booking_id=booking.pk, actor=owner, action="accept")


@pytest.fixture
def booking_due(deposit_profile, deposit_client, deposit_owner) -> Booking:  # noqa: ANN001
    return due_booking(deposit_profile, deposit_client, deposit_owner)


def move_to_past(booking: Booking) -> Booking:
    """The meeting happened (an hour that ended ten minutes ago): the services
    refuse past times, so the row is written as the clock would leave it."""
    end = timezone.now() - dt.timedelta(minutes=10)
    start = end - dt.timedelta(minutes=booking.duration_minutes)
    Booking.objects.filter(pk=booking.pk).update(
        start=start, end=end, span=DateTimeTZRange(start, end, "[)")
    )
    booking.refresh_from_db()
    return booking
