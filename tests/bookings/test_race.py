"""Races over real connections: many clients asking for one slot at once, and
providers accepting neighbouring requests at once. PostgreSQL's exclusion
constraint (and the services' profile lock) must leave one winner per time, and
every loser must get a clean 409, never a 500 or a second booking."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.db import connection
from rest_framework.test import APIClient

from accounts.models import Role, User
from bookings.models import Booking
from directory.models import Agency, AgencyMembership, CityPage, EscortProfilePage
from tests.factories import UserFactory
from tests.factories.bookings import (
    bookable_profile,
    client_account,
    local_time,
    rate_of,
    request_booking,
)
from tests.factories.pages import make_city

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

URL = "/api/v1/bookings"
S = Booking.Status
CLIENTS = 50
NEIGHBOURS = 10
JOIN_SECONDS = 120


@dataclass
class Answer:
    status: int
    code: str | None


def answer_of(response) -> Answer:  # noqa: ANN001
    try:
        code = response.json().get("error", {}).get("code")
    except ValueError:  # a 500 page is not JSON: keep the status, fail below
        code = None
    return Answer(response.status_code, code)


def all_at_once(calls: list[Callable[[APIClient], object]]) -> list[Answer]:
    """Runs each call in its own thread, with its own client and database
    connection, released together by a barrier."""
    barrier = threading.Barrier(len(calls))
    answers: list[Answer | None] = [None] * len(calls)
    errors: list[BaseException] = []

    def run(number: int, call: Callable[[APIClient], object]) -> None:
        try:
            # A server error answers 500 here, as it would in production.
            api = APIClient(raise_request_exception=False)
            barrier.wait(timeout=60)
            answers[number] = answer_of(call(api))
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            errors.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(n, call)) for n, call in enumerate(calls)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=JOIN_SECONDS)
    assert not any(thread.is_alive() for thread in threads), "a request hung"
    assert not errors, errors
    return answers


def booking_post(user: User, payload: dict) -> Callable[[APIClient], object]:
    def call(api: APIClient) -> object:
        api.force_authenticate(user)
        return api.post(URL, payload, format="json")

    return call


def accept_post(user: User, booking_id: int) -> Callable[[APIClient], object]:
    def call(api: APIClient) -> object:
        api.force_authenticate(user)
        return api.post(f"{URL}/{booking_id}/accept")

    return call


@pytest.fixture
def berlin() -> CityPage:
    return make_city("Berlin", slug="berlin-race")


# --- One slot, fifty clients -------------------------------------------------------


@pytest.mark.parametrize(
    "requires_acceptance",
    [
        pytest.param(True, id="request"),
        pytest.param(False, id="instant"),
    ],
)
def test_fifty_clients_one_slot_one_winner(berlin, requires_acceptance):
    profile = bookable_profile(
        "Clara", city=berlin, requires_acceptance=requires_acceptance
    )
    start = local_time(berlin, days=3, hour=14)
    payload = {
        "profile": profile.pk,
        "rate": rate_of(profile, 60),
        "start": start.isoformat(),
        "note": "Dinner first.",
    }
    clients = [client_account() for _ in range(CLIENTS)]

    answers = all_at_once([booking_post(client, payload) for client in clients])

    tally = Counter((a.status, a.code) for a in answers)
    assert tally == {(201, None): 1, (409, "slot_unavailable"): CLIENTS - 1}, tally
    active = Booking.objects.active().filter(profile=profile)
    assert active.count() == 1
    winner = active.get()
    expected = S.REQUESTED if requires_acceptance else S.CONFIRMED
    assert winner.status == expected
    # Losers left no row behind, not even an inactive one.
    assert Booking.objects.filter(profile=profile).count() == 1


# --- Neighbouring requests, accepted at once by two people ---------------------------


def agency_managed_profile(city: CityPage) -> tuple[EscortProfilePage, User]:
    agency = Agency.objects.create(name="Velvet Race", slug="velvet-race")
    manager = UserFactory(role=Role.AGENCY)
    AgencyMembership.objects.create(agency=agency, user=manager, role="manager")
    # Requests hold their own hour; a taken booking also holds the 30 minutes
    # after it, which reach into the next request's hour.
    profile = bookable_profile(
        "Nadia", city=city, requires_acceptance=True, buffer_after_minutes=30
    )
    EscortProfilePage.objects.filter(pk=profile.pk).update(agency=agency)
    return profile, manager


def overlapping(a: Booking, b: Booking) -> bool:
    return a.span.lower < b.span.upper and b.span.lower < a.span.upper


def test_concurrent_acceptances_never_take_overlapping_times(berlin):
    profile, manager = agency_managed_profile(berlin)
    first = local_time(berlin, days=3, hour=12)
    requests = [
        request_booking(profile, start=first + dt.timedelta(hours=n))
        for n in range(NEIGHBOURS)
    ]
    # Back to back: each request starts when the one before ends, so they all
    # coexist as requests.
    assert Booking.objects.active().filter(profile=profile).count() == NEIGHBOURS

    calls = [
        accept_post(user, booking.pk)
        for booking in requests
        for user in (profile.owner, manager)
    ]
    answers = all_at_once(calls)

    tally = Counter((a.status, a.code) for a in answers)
    assert set(tally) <= {
        (200, None),
        (409, "transition_not_allowed"),
        (409, "slot_unavailable"),
    }, tally
    bookings = {b.pk: b for b in Booking.objects.filter(profile=profile)}
    taken = [b for b in bookings.values() if b.status in Booking.TAKEN]
    assert {b.status for b in taken} == {S.CONFIRMED}
    # One 200 per confirmed booking: the second accept of the same booking lost.
    assert tally[(200, None)] == len(taken) >= 1
    for booking in taken:
        assert all(
            not overlapping(booking, other) for other in taken if other != booking
        )
    # Accepting one declines the request its buffer reaches into; a request
    # whose own buffer would reach a booking taken first is refused, and stays.
    ordered = [bookings[b.pk] for b in requests]
    assert {b.status for b in ordered} <= {S.CONFIRMED, S.DECLINED, S.REQUESTED}
    for before, after in zip(ordered, ordered[1:], strict=False):
        if before.status == S.CONFIRMED:
            assert after.status == S.DECLINED, (before.pk, after.pk)
        if before.status == S.REQUESTED:
            assert after.status == S.CONFIRMED, (before.pk, after.pk)
    assert ordered[-1].status != S.REQUESTED
