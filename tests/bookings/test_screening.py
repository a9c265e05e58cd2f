"""Screening gates: what a provider asks of a client before a first message or a
booking request. Each requirement blocks both, with one neutral refusal that
never names it; a client who meets them passes; conversations that already
exist go on."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from accounts.models import Role
from bookings.models import Booking, ScreeningRequirements
from bookings.screening import screening_refusal
from messaging.models import Message, Thread
from tests.assertions import assert_error_shape
from tests.factories import UserFactory
from tests.factories.bookings import bookable_profile, local_time, rate_of
from tests.factories.pages import EscortOwnerFactory, make_city
from tests.factories.reputation import past_booking

pytestmark = pytest.mark.django_db

S = Booking.Status
NEUTRAL = (
    "This provider accepts requests from clients who meet their screening requirements."
)
CRITERIA = {
    "verified_only": {"verified_only": True},
    "min_completed_bookings": {"min_completed_bookings": 2},
    "no_recent_no_show": {"no_recent_no_show": True},
}


@pytest.fixture
def city():
    return make_city("Prague", slug="prague-screening", time_zone="Europe/Prague")


@pytest.fixture
def profile(city):
    return bookable_profile("Clara", city=city, owner=EscortOwnerFactory())


@pytest.fixture
def elsewhere(city):
    """Another provider, where the client's past bookings happened."""
    return bookable_profile("Elsewhere", city=city)


@pytest.fixture
def customer():
    return UserFactory(role=Role.CLIENT)


@pytest.fixture
def trusted(elsewhere):
    """Meets every requirement: verified, two completed bookings, an old no-show."""
    client = UserFactory(role=Role.CLIENT, is_age_verified=True)
    past_booking(elsewhere, client, days_ago=20)
    past_booking(elsewhere, client, days_ago=30)
    past_booking(elsewhere, client, status=S.NO_SHOW, days_ago=120)
    return client


def _screen(profile, **fields) -> ScreeningRequirements:  # noqa: ANN001
    return ScreeningRequirements.objects.create(profile=profile, **fields)


def _book(api_client, profile, city, client):  # noqa: ANN001, ANN202
    api_client.force_authenticate(client)
    payload = {
        "profile": profile.pk,
        "rate": rate_of(profile),
        "start": local_time(city, days=3, hour=14).isoformat(),
    }
    return api_client.post("/api/v1/bookings", payload, format="json")


def _write(api_client, profile, client):  # noqa: ANN001, ANN202
    api_client.force_authenticate(client)
    payload = {"profile": profile.pk, "body": "Hello, are you free on Friday?"}
    return api_client.post("/api/v1/threads", payload, format="json")


def _fails(client, elsewhere, criterion: str) -> None:  # noqa: ANN001
    """Make ``client`` miss only ``criterion``."""
    client.is_age_verified = criterion != "verified_only"
    client.save(update_fields=["is_age_verified"])
    past_booking(elsewhere, client, days_ago=20)
    if criterion != "min_completed_bookings":
        past_booking(elsewhere, client, days_ago=25)
    if criterion == "no_recent_no_show":
        past_booking(elsewhere, client, status=S.NO_SHOW, days_ago=30)


@pytest.mark.parametrize("criterion", CRITERIA)
def test_each_requirement_blocks_requests_and_first_messages(
    api_client, city, profile, elsewhere, customer, criterion
):
    _fails(customer, elsewhere, criterion)
    _screen(
        profile,
        verified_only=True,
        min_completed_bookings=2,
        no_recent_no_show=True,
    )
    bookings_before = Booking.objects.count()

    for response in (
        _book(api_client, profile, city, customer),
        _write(api_client, profile, customer),
    ):
        error = assert_error_shape(response, 403, "screening_not_met")
        # The same words whatever was missed: nothing to probe.
        assert error["message"] == NEUTRAL
        assert error["fields"] == {}

    assert Booking.objects.count() == bookings_before
    assert not Thread.objects.filter(client=customer).exists()
    assert not Message.objects.exists()


@pytest.mark.parametrize("criterion", CRITERIA)
def test_a_single_requirement_blocks_only_who_misses_it(
    api_client, city, profile, elsewhere, customer, trusted, criterion
):
    _fails(customer, elsewhere, criterion)
    _screen(profile, **CRITERIA[criterion])
    assert_error_shape(_book(api_client, profile, city, customer), 403)
    assert _book(api_client, profile, city, trusted).status_code == 201


def test_a_client_who_meets_them_passes(api_client, city, profile, trusted):
    _screen(
        profile, verified_only=True, min_completed_bookings=2, no_recent_no_show=True
    )
    assert _book(api_client, profile, city, trusted).status_code == 201
    assert _write(api_client, profile, trusted).status_code == 201


def test_requirements_apply_only_where_the_provider_chose(
    api_client, city, profile, customer
):
    screening = _screen(profile, verified_only=True, for_first_contact=False)
    assert _write(api_client, profile, customer).status_code == 201
    assert_error_shape(_book(api_client, profile, city, customer), 403)

    screening.for_first_contact, screening.for_booking_requests = True, False
    screening.save()
    other = UserFactory(role=Role.CLIENT)
    assert_error_shape(_write(api_client, profile, other), 403, "screening_not_met")
    assert _book(api_client, profile, city, other).status_code == 201


def test_an_existing_conversation_goes_on(api_client, profile, customer):
    assert _write(api_client, profile, customer).status_code == 201
    _screen(profile, verified_only=True, min_completed_bookings=5)

    again = _write(api_client, profile, customer)
    assert again.status_code == 201
    thread = Thread.objects.get(client=customer, profile=profile)
    reply = api_client.post(
        f"/api/v1/threads/{thread.pk}/messages", {"body": "Still me."}, format="json"
    )
    assert reply.status_code == 201
    assert thread.messages.count() == 3


def test_no_screening_costs_one_query(profile, customer, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        refusal = screening_refusal(profile=profile, client=customer, kind="booking")
    assert refusal is None


def test_the_pages_show_the_neutral_refusal(city, profile, customer):
    _screen(profile, min_completed_bookings=1)
    browser = Client()
    browser.force_login(customer)

    written = browser.post(f"/messages/start/{profile.pk}/", {"body": "Hello there"})
    assert written.status_code == 403
    assert NEUTRAL in written.content.decode()

    slot = local_time(city, days=3, hour=14).astimezone(dt.UTC).isoformat()
    requested = browser.post(
        f"/dashboard/bookings/request/{profile.pk}/",
        {"slot": slot, "rate": rate_of(profile), "note": "", "form_id": "f-1"},
    )
    assert requested.status_code == 403
    assert NEUTRAL in requested.content.decode()
    assert not Booking.objects.filter(client=customer).exists()
    assert not Thread.objects.filter(client=customer).exists()


# --- the provider's settings ------------------------------------------------------


def _settings_url(profile) -> str:  # noqa: ANN001
    return f"/api/v1/me/profiles/{profile.pk}/screening"


def test_the_owner_reads_the_defaults_and_sets_screening(api_client, profile):
    api_client.force_authenticate(profile.owner)
    assert api_client.get(_settings_url(profile)).json() == {
        "verified_only": False,
        "min_completed_bookings": 0,
        "no_recent_no_show": False,
        "for_first_contact": True,
        "for_booking_requests": True,
    }
    response = api_client.put(
        _settings_url(profile),
        {"verified_only": True, "min_completed_bookings": 3},
        format="json",
    )
    assert response.status_code == 200
    saved = ScreeningRequirements.objects.get(profile=profile)
    assert (saved.verified_only, saved.min_completed_bookings) == (True, 3)
    assert saved.for_first_contact and saved.for_booking_requests


@pytest.mark.parametrize(
    "payload",
    [
        {"min_completed_bookings": -1},
        {"min_completed_bookings": 51},
        {"verified_only": "sometimes"},
    ],
)
def test_bad_settings_are_400_and_store_nothing(api_client, profile, payload):
    api_client.force_authenticate(profile.owner)
    response = api_client.put(_settings_url(profile), payload, format="json")
    assert_error_shape(response, 400, "validation_error")
    assert not ScreeningRequirements.objects.exists()


def test_someone_elses_profile_is_404(api_client, profile, customer):
    for user in (EscortOwnerFactory(), customer):
        api_client.force_authenticate(user)
        assert_error_shape(api_client.get(_settings_url(profile)), 404, "not_found")
        response = api_client.put(
            _settings_url(profile), {"verified_only": True}, format="json"
        )
        assert_error_shape(response, 404, "not_found")
    assert not ScreeningRequirements.objects.exists()


def test_the_settings_page_saves_the_screening(profile):
    browser = Client()
    browser.force_login(profile.owner)
    url = f"/dashboard/bookings/hours/{profile.pk}/screening/"
    schedule = browser.get(f"/dashboard/bookings/hours/{profile.pk}/")
    assert url in schedule.content.decode()
    assert browser.get(url).status_code == 200

    bad = browser.post(url, {"min_completed_bookings": "many"})
    assert bad.status_code == 400
    assert not ScreeningRequirements.objects.exists()

    done = browser.post(
        url,
        {
            "no_recent_no_show": "on",
            "min_completed_bookings": "1",
            "for_booking_requests": "on",
        },
    )
    assert done.status_code == 302
    saved = ScreeningRequirements.objects.get(profile=profile)
    assert saved.no_recent_no_show and saved.for_booking_requests
    assert not saved.verified_only and not saved.for_first_contact
    assert saved.min_completed_bookings == 1

    stranger = Client()
    stranger.force_login(EscortOwnerFactory())
    assert stranger.get(url).status_code == 404
