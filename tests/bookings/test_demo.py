"""The bookings demo: hours and a policy for every demo profile, bookings in every
status with a coherent history, and a re-run that adds nothing."""

from __future__ import annotations

import pytest

from accounts import demo as accounts_demo
from accounts.models import User
from bookings import demo as bookings_demo
from bookings.models import AvailabilityRule, Booking, BookingEvent, BookingPolicy
from cms_pages import demo as cms_demo
from directory import demo as directory_demo
from directory.models import EscortProfilePage
from tests.shared_data import shared_data

pytestmark = pytest.mark.django_db

PROFILES = 12
S = Booking.Status


def counts() -> dict[str, int]:
    models = (Booking, BookingEvent, AvailabilityRule, BookingPolicy, User)
    return {model.__name__: model.objects.count() for model in models}


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The demo, seeded once for the module (tests/shared_data.py)."""
    with shared_data(django_db_blocker):
        lines: list[str] = []
        accounts_demo.seed(log=lines.append)
        cms_demo.seed(log=lines.append)
        directory_demo.seed(log=lines.append, profiles=PROFILES)
        bookings_demo.seed(log=lines.append)
        yield lines


def test_every_status_and_every_profile_hours_and_policy(seeded):
    present = set(Booking.objects.values_list("status", flat=True))
    assert present == set(S.values), set(S.values) - present
    assert not [line for line in seeded if line.startswith("skipped")]
    profiles = EscortProfilePage.objects.live()
    assert profiles.count() == PROFILES
    for profile in profiles:
        assert AvailabilityRule.objects.filter(profile=profile).count() >= 5
        assert BookingPolicy.objects.filter(profile=profile).exists()
    assert BookingPolicy.objects.filter(requires_acceptance=False).exists()
    assert BookingPolicy.objects.filter(deposit_percent__gt=0).exists()
    demo_client = User.objects.get(email=bookings_demo.DEMO_CLIENT_EMAIL)
    assert Booking.objects.filter(client=demo_client).count() >= 3


def test_histories_are_coherent_and_taken_bookings_never_overlap(seeded):
    bookings = Booking.objects.prefetch_related("events")
    assert bookings.count() >= len(S.values)
    for booking in bookings:
        events = list(booking.events.order_by("created_at", "id"))
        assert events[0].from_status == "" and events[0].to_status == S.REQUESTED
        assert events[0].actor_id == booking.client_id
        for before, after in zip(events, events[1:], strict=False):
            assert after.from_status == before.to_status
        assert events[-1].to_status == booking.status
        assert booking.note  # fictional, never empty
        assert booking.idempotency_key.startswith(bookings_demo.KEY_PREFIX)
        assert booking.client.role == "client"
    taken = list(Booking.objects.taken())
    for booking in taken:
        others = [
            b
            for b in taken
            if b.profile_id == booking.profile_id and b.pk != booking.pk
        ]
        for other in others:
            assert not (
                booking.span.lower < other.span.upper
                and other.span.lower < booking.span.upper
            )
    # Upcoming ones went through the services: their own events and reasons.
    deposit = Booking.objects.filter(status=S.DEPOSIT_DUE).first()
    reasons = list(deposit.events.values_list("to_status", "reason"))
    assert reasons[-1] == (S.DEPOSIT_DUE, "Deposit required.")
    accepted = deposit.events.get(to_status=S.ACCEPTED)
    assert accepted.actor_id == deposit.profile.owner_id
    declined = Booking.objects.filter(status=S.DECLINED).first()
    assert declined.events.get(to_status=S.DECLINED).reason


def test_a_second_run_adds_nothing(seeded):
    before = counts()
    lines: list[str] = []
    bookings_demo.seed(log=lines.append)
    assert counts() == before
    assert any("bookings: 0 new" in line for line in lines)
