"""Booking requests and moves over the API: who may do what from which status,
the events they write, the notifications after commit, bad input, and the
exclusion constraint that refuses overlaps."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange

from accounts.models import Role
from bookings.models import Booking, BookingEvent
from bookings.services import bookings_complete_finished
from directory.models import Agency, AgencyMembership, EscortProfilePage
from tests.assertions import assert_error_shape
from tests.factories import UserFactory
from tests.factories.bookings import (
    bookable_profile,
    client_account,
    local_time,
    rate_of,
    request_booking,
)
from tests.factories.pages import (
    EscortOwnerFactory,
    add_tour,
    make_city,
    make_profile,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/bookings"
S = Booking.Status


@pytest.fixture
def berlin():
    return make_city("Berlin", slug="berlin-bookings")


@pytest.fixture
def provider():
    return EscortOwnerFactory()


@pytest.fixture
def profile(berlin, provider):
    return bookable_profile("Clara", city=berlin, owner=provider)


@pytest.fixture
def client():
    return client_account(display_name="Max")


def post(api_client, user, payload: dict, path: str = URL, **headers):  # noqa: ANN001, ANN201
    api_client.force_authenticate(user)
    return api_client.post(path, payload, format="json", headers=headers)


def payload(profile: EscortProfilePage, start: dt.datetime, minutes: int = 60) -> dict:
    return {
        "profile": profile.pk,
        "rate": rate_of(profile, minutes),
        "start": start.isoformat(),
        "note": "Dinner first, please.",
    }


# --- Requesting ---------------------------------------------------------------


def test_a_request_is_priced_on_the_server_and_tells_the_provider(
    api_client, profile, client, provider, berlin, django_capture_on_commit_callbacks
):
    start = local_time(berlin, days=3, hour=14)
    with django_capture_on_commit_callbacks(execute=True):
        response = post(api_client, client, {**payload(profile, start, 120)})

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "requested"
    assert body["price_minor"] == 55000 and body["currency"] == "EUR"
    assert body["duration_minutes"] == 120
    assert body["time_zone"] == "Europe/Berlin"
    assert dt.datetime.fromisoformat(body["end"]) == start + dt.timedelta(hours=2)
    assert [(e["from_status"], e["to_status"], e["by"]) for e in body["events"]] == [
        ("", "requested", "client")
    ]
    booking = Booking.objects.get(pk=body["id"])
    assert booking.span == DateTimeTZRange(start, start + dt.timedelta(hours=2), "[)")
    assert [m.to for m in mail.outbox] == [[provider.email]]
    assert "Dinner first" not in mail.outbox[0].body  # the note stays on the platform


def test_an_instant_profile_confirms_at_once(api_client, berlin, client):
    instant = bookable_profile("Ida", city=berlin, requires_acceptance=False)
    start = local_time(berlin, days=2, hour=12)

    body = post(api_client, client, payload(instant, start)).json()

    assert body["status"] == "confirmed"
    assert [e["to_status"] for e in body["events"]] == [
        "requested",
        "accepted",
        "confirmed",
    ]
    booking = Booking.objects.get(pk=body["id"])
    assert booking.span.upper == start + dt.timedelta(minutes=90)  # 30 min buffer


def test_a_deposit_profile_waits_for_the_deposit(api_client, berlin, client):
    deposit = bookable_profile("Dana", city=berlin, deposit_percent=20)
    start = local_time(berlin, days=2, hour=12)
    booking_id = post(api_client, client, payload(deposit, start)).json()["id"]

    api_client.force_authenticate(deposit.owner)
    body = api_client.post(f"{URL}/{booking_id}/accept", format="json").json()

    assert body["status"] == "deposit_due"
    assert body["deposit_minor"] == 6000


def test_the_same_idempotency_key_returns_the_first_booking(
    api_client, profile, client, berlin
):
    start = local_time(berlin, days=3, hour=15)
    first = post(
        api_client, client, payload(profile, start), **{"Idempotency-Key": "k1"}
    )
    again = post(
        api_client, client, payload(profile, start), **{"Idempotency-Key": "k1"}
    )
    other = post(
        api_client,
        client,
        payload(profile, start + dt.timedelta(hours=3)),
        **{"Idempotency-Key": "k1"},
    )

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert_error_shape(other, 409, "conflict")
    assert Booking.objects.count() == 1


def test_a_second_request_for_the_same_time_is_409(api_client, profile, berlin):
    start = local_time(berlin, days=3, hour=16)
    assert (
        post(api_client, client_account(), payload(profile, start)).status_code == 201
    )

    late = post(
        api_client, client_account(), payload(profile, start + dt.timedelta(minutes=30))
    )

    assert_error_shape(late, 409, "slot_unavailable")
    assert Booking.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"start": "2030-01-01T12:00:00"}, "start", "time zone offset"),
        ({"start": "yesterday"}, "start", ""),
        ({"start": "2001-01-01T12:00:00Z"}, "start", ""),
        ({"start": "2099-01-01T12:00:00Z"}, "start", ""),
        ({"rate": 999999}, "rate", "rates"),
        ({"rate": "x"}, "rate", ""),
        ({"profile": 0}, "profile", ""),
        ({"note": "x" * 1001}, "note", ""),
    ],
)
def test_bad_requests_answer_400_and_write_nothing(
    api_client, profile, client, berlin, change, field, message
):
    body = {**payload(profile, local_time(berlin, days=3, hour=14)), **change}
    response = post(api_client, client, body)

    error = assert_error_shape(response, 400, "validation_error")
    assert field in error["fields"]
    assert message in " ".join(error["fields"][field])
    assert not Booking.objects.exists()


def test_outside_the_hours_is_400(api_client, profile, client, berlin):
    response = post(
        api_client, client, payload(profile, local_time(berlin, days=3, hour=23))
    )
    assert "start" in assert_error_shape(response, 400)["fields"]


def test_a_private_tour_day_cannot_be_requested(api_client, profile, client, berlin):
    # Issue 10, finding 1: a request there would have been accepted with the
    # tour's city, telling the client where the provider travels privately.
    paris = make_city("Paris", slug="paris-bookings", time_zone="Europe/Paris")
    start = local_time(berlin, days=3, hour=20)
    add_tour(
        profile,
        city=paris,
        starts_on=start.date(),
        ends_on=start.date(),
        is_private=True,
    )

    response = post(api_client, client, payload(profile, start))

    assert "start" in assert_error_shape(response, 400)["fields"]
    assert not Booking.objects.exists()


def test_a_profile_that_is_not_live_is_404(api_client, berlin, client):
    draft = make_profile("Draft", city=berlin, live=False)
    response = post(
        api_client,
        client,
        {"profile": draft.pk, "rate": 1, "start": "2030-01-01T12:00:00Z"},
    )
    assert_error_shape(response, 404, "not_found")


@pytest.mark.parametrize("role", [Role.ESCORT, Role.AGENCY, Role.STAFF])
def test_only_client_accounts_book(api_client, profile, berlin, role):
    response = post(
        api_client,
        UserFactory(role=role),
        payload(profile, local_time(berlin, days=3, hour=14)),
    )
    assert_error_shape(response, 403, "permission_denied")


def test_a_provider_cannot_book_themself(api_client, berlin):
    # A client-role account that manages an agency profile is still its provider.
    agency = Agency.objects.create(name="Velvet", slug="velvet")
    manager = client_account()
    AgencyMembership.objects.create(agency=agency, user=manager, role="manager")
    own = bookable_profile("Own", city=berlin)
    EscortProfilePage.objects.filter(pk=own.pk).update(agency=agency)

    response = post(
        api_client, manager, payload(own, local_time(berlin, days=3, hour=14))
    )

    assert_error_shape(response, 403, "permission_denied")


def test_anonymous_is_401(api_client, profile, berlin):
    response = api_client.post(
        URL, payload(profile, local_time(berlin, days=3, hour=14))
    )
    assert_error_shape(response, 401)


# --- Moves --------------------------------------------------------------------

# (action, status before, actor side, expected status after or error status)
MOVES = [
    ("accept", S.REQUESTED, "provider", S.CONFIRMED),
    ("accept", S.REQUESTED, "client", 403),
    ("accept", S.CONFIRMED, "provider", 409),
    ("decline", S.REQUESTED, "provider", S.DECLINED),
    ("decline", S.REQUESTED, "client", 403),
    ("decline", S.CONFIRMED, "provider", 409),
    ("cancel", S.REQUESTED, "client", S.CANCELLED_BY_CLIENT),
    ("cancel", S.CONFIRMED, "client", S.CANCELLED_BY_CLIENT),
    ("cancel", S.CONFIRMED, "provider", S.CANCELLED_BY_PROVIDER),
    ("cancel", S.DECLINED, "client", 409),
    ("cancel", S.COMPLETED, "provider", 409),
    ("complete", S.REQUESTED, "provider", 409),
    ("complete", S.CONFIRMED, "client", 403),
    ("no-show", S.REQUESTED, "provider", 409),
    ("no-show", S.CONFIRMED, "client", 403),
]


@pytest.mark.parametrize(("action", "before", "side", "expected"), MOVES)
def test_moves_by_status_and_side(
    api_client, profile, client, provider, berlin, action, before, side, expected
):
    booking = request_booking(
        profile, start=local_time(berlin, days=3, hour=14), client=client
    )
    Booking.objects.filter(pk=booking.pk).update(status=before)
    actor = provider if side == "provider" else client

    api_client.force_authenticate(actor)
    response = api_client.post(
        f"{URL}/{booking.pk}/{action}", {"reason": "r"}, format="json"
    )

    booking.refresh_from_db()
    if isinstance(expected, int):
        assert_error_shape(response, expected)
        assert booking.status == before
    else:
        assert response.status_code == 200, response.content
        assert booking.status == expected
        last = BookingEvent.objects.filter(booking=booking).last()
        assert last.to_status == expected
        assert last.actor_id == actor.pk or last.actor_id is None


def test_complete_and_no_show_wait_for_the_time(
    api_client, profile, client, provider, berlin
):
    booking = request_booking(
        profile, start=local_time(berlin, days=3, hour=14), client=client
    )
    Booking.objects.filter(pk=booking.pk).update(status=S.CONFIRMED)
    api_client.force_authenticate(provider)

    for action in ("complete", "no-show"):
        assert_error_shape(
            api_client.post(f"{URL}/{booking.pk}/{action}", format="json"), 409
        )

    past = booking.start - dt.timedelta(days=4)
    Booking.objects.filter(pk=booking.pk).update(
        start=past,
        end=past + dt.timedelta(hours=1),
        span=DateTimeTZRange(past, past + dt.timedelta(hours=1)),
    )
    response = api_client.post(f"{URL}/{booking.pk}/no-show", format="json")
    assert response.json()["status"] == "no_show"


def test_accepting_declines_the_requests_inside_its_buffer(
    api_client, profile, provider, berlin, django_capture_on_commit_callbacks
):
    start = local_time(berlin, days=3, hour=14)
    chosen = request_booking(profile, start=start)
    # Starts when the chosen one ends: allowed as a request, inside the 30-min buffer.
    neighbour = request_booking(profile, start=start + dt.timedelta(hours=1))
    later = request_booking(profile, start=start + dt.timedelta(hours=2))

    api_client.force_authenticate(provider)
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(f"{URL}/{chosen.pk}/accept", format="json")

    assert response.json()["status"] == "confirmed"
    statuses = dict(Booking.objects.values_list("pk", "status"))
    assert statuses == {
        chosen.pk: S.CONFIRMED,
        neighbour.pk: S.DECLINED,
        later.pk: S.REQUESTED,
    }
    declined = BookingEvent.objects.get(booking=neighbour, to_status=S.DECLINED)
    assert declined.reason == "Another booking was accepted for this time."
    assert neighbour.client.email in {m.to[0] for m in mail.outbox}


def test_a_request_inside_a_taken_buffer_is_409(api_client, profile, provider, berlin):
    start = local_time(berlin, days=3, hour=14)
    taken = request_booking(profile, start=start)
    api_client.force_authenticate(provider)
    api_client.post(f"{URL}/{taken.pk}/accept", format="json")

    response = post(
        api_client, client_account(), payload(profile, start + dt.timedelta(minutes=75))
    )
    assert_error_shape(response, 409, "slot_unavailable")


def test_reschedule_once_within_the_rules(api_client, profile, client, berlin):
    booking = request_booking(
        profile, start=local_time(berlin, days=3, hour=14), client=client
    )
    new_start = local_time(berlin, days=4, hour=18)
    path = f"{URL}/{booking.pk}/reschedule"

    moved = post(api_client, client, {"start": new_start.isoformat()}, path)
    again = post(
        api_client,
        client,
        {"start": (new_start + dt.timedelta(hours=1)).isoformat()},
        path,
    )

    assert moved.status_code == 200, moved.content
    assert dt.datetime.fromisoformat(moved.json()["start"]) == new_start
    assert moved.json()["reschedule_count"] == 1
    assert_error_shape(again, 409, "transition_not_allowed")
    outside = post(
        api_client,
        client,
        {"start": local_time(berlin, days=5, hour=3).isoformat()},
        path,
    )
    assert outside.status_code in (400, 409)


# --- Reading ------------------------------------------------------------------


def test_others_get_404_for_a_booking(api_client, profile, client, berlin):
    booking = request_booking(
        profile, start=local_time(berlin, days=3, hour=14), client=client
    )
    stranger = client_account()
    other_provider = EscortOwnerFactory()

    for user in (stranger, other_provider):
        api_client.force_authenticate(user)
        assert_error_shape(api_client.get(f"{URL}/{booking.pk}"), 404, "not_found")
        assert_error_shape(
            api_client.post(f"{URL}/{booking.pk}/cancel", format="json"), 404
        )
        assert api_client.get(URL).json()["results"] == []
    assert Booking.objects.get(pk=booking.pk).status == S.REQUESTED


def test_lists_by_side_including_the_agency_manager(api_client, berlin):
    agency = Agency.objects.create(name="Velvet", slug="velvet-list")
    manager = UserFactory(role=Role.AGENCY)
    AgencyMembership.objects.create(agency=agency, user=manager, role="manager")
    managed = bookable_profile("Managed", city=berlin)
    EscortProfilePage.objects.filter(pk=managed.pk).update(agency=agency)
    other = bookable_profile("Other", city=berlin)
    client = client_account()
    mine = request_booking(
        managed, start=local_time(berlin, days=3, hour=14), client=client
    )
    request_booking(other, start=local_time(berlin, days=3, hour=14), client=client)

    api_client.force_authenticate(manager)
    assert [b["id"] for b in api_client.get(URL).json()["results"]] == [mine.pk]
    api_client.force_authenticate(client)
    assert len(api_client.get(URL, {"role": "client"}).json()["results"]) == 2
    assert api_client.get(URL, {"role": "provider"}).json()["results"] == []
    assert_error_shape(api_client.get(URL, {"status": "nope"}), 400)


def test_the_list_runs_a_constant_number_of_queries(
    api_client, berlin, client, django_assert_max_num_queries
):
    profiles = [bookable_profile(f"P{n}", city=berlin) for n in range(6)]
    for n, profile in enumerate(profiles[:2]):
        request_booking(
            profile, start=local_time(berlin, days=3, hour=12 + n), client=client
        )
    api_client.force_authenticate(client)
    with django_assert_max_num_queries(10) as few:
        assert len(api_client.get(URL).json()["results"]) == 2
    for n, profile in enumerate(profiles[2:]):
        request_booking(
            profile, start=local_time(berlin, days=4, hour=12 + n), client=client
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(api_client.get(URL).json()["results"]) == 6


# --- The constraint itself ----------------------------------------------------


def test_the_database_refuses_overlapping_active_bookings(profile, client, berlin):
    start = local_time(berlin, days=3, hour=14)
    first = request_booking(profile, start=start, client=client)
    clone = Booking.objects.get(pk=first.pk)
    clone.pk = None
    clone.start = start + dt.timedelta(minutes=30)
    clone.end = clone.start + dt.timedelta(hours=1)
    clone.span = DateTimeTZRange(clone.start, clone.end, "[)")

    with (
        pytest.raises(IntegrityError, match="bookings_no_overlap"),
        transaction.atomic(),
    ):
        clone.save()

    clone.status = S.DECLINED  # inactive rows may overlap
    clone.save()
    touching = Booking.objects.get(pk=clone.pk)
    touching.pk = None
    touching.status = S.REQUESTED
    touching.start, touching.end = first.end, first.end + dt.timedelta(hours=1)
    touching.span = DateTimeTZRange(touching.start, touching.end, "[)")
    touching.save()  # half-open: ending at 15:00 and starting at 15:00 do not overlap
    assert Booking.objects.active().count() == 2


def test_system_completion_is_idempotent(profile, client, berlin):
    booking = request_booking(
        profile, start=local_time(berlin, days=3, hour=14), client=client
    )
    past = booking.start - dt.timedelta(days=4)
    Booking.objects.filter(pk=booking.pk).update(
        status=S.CONFIRMED,
        start=past,
        end=past + dt.timedelta(hours=1),
        span=DateTimeTZRange(past, past + dt.timedelta(hours=1)),
    )
    assert bookings_complete_finished() == 1
    assert bookings_complete_finished() == 0
    assert (
        BookingEvent.objects.filter(booking=booking, to_status=S.COMPLETED).count() == 1
    )


def test_accepting_past_the_daily_cap_is_409(api_client, berlin):
    capped = bookable_profile("Capped", city=berlin, daily_cap=1)
    first = request_booking(capped, start=local_time(berlin, days=3, hour=12))
    second = request_booking(capped, start=local_time(berlin, days=3, hour=18))
    api_client.force_authenticate(capped.owner)

    assert api_client.post(f"{URL}/{first.pk}/accept", format="json").status_code == 200
    refused = api_client.post(f"{URL}/{second.pk}/accept", format="json")

    assert_error_shape(refused, 409, "conflict")
    assert "no more bookings" in refused.json()["error"]["message"]
    assert Booking.objects.get(pk=second.pk).status == S.REQUESTED


def test_a_taken_booking_moves_within_its_own_full_day(api_client, berlin):
    capped = bookable_profile("Capped", city=berlin, daily_cap=1)
    client = client_account()
    booking = request_booking(
        capped, start=local_time(berlin, days=3, hour=12), client=client
    )
    api_client.force_authenticate(capped.owner)
    api_client.post(f"{URL}/{booking.pk}/accept", format="json")

    later = local_time(berlin, days=3, hour=17)
    moved = post(
        api_client,
        client,
        {"start": later.isoformat()},
        f"{URL}/{booking.pk}/reschedule",
    )

    assert moved.status_code == 200, moved.content
    booking.refresh_from_db()
    assert (booking.start, booking.status) == (later, S.CONFIRMED)
    assert booking.span.lower == later  # buffers kept: 0 before, 30 after
    assert booking.span.upper == later + dt.timedelta(minutes=90)
