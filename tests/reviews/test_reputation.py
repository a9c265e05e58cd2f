"""The private client reputation: providers' assessments after a completed
booking or a no-show, and the summary providers see of a client who writes or
requests a booking. Never an individual assessment, never to the client."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import Role
from bookings.models import Booking
from messaging.models import Thread
from reviews.models import ClientAssessment
from reviews.reputation import client_reputation, client_reputation_for
from tests.assertions import assert_error_shape
from tests.factories import UserFactory
from tests.factories.bookings import bookable_profile, local_time, request_booking
from tests.factories.pages import EscortOwnerFactory, make_city
from tests.factories.reputation import assessed, past_booking

pytestmark = pytest.mark.django_db

S = Booking.Status
REPUTATION_KEYS = {
    "account_age_days",
    "email_verified",
    "identity_verified",
    "completed_bookings",
    "no_show_rate",
    "would_see_again_share",
    "enough_assessments",
}


@pytest.fixture
def city():
    return make_city("Vienna", slug="vienna-reputation", time_zone="Europe/Vienna")


@pytest.fixture
def profile(city):
    return bookable_profile("Clara", city=city, owner=EscortOwnerFactory())


@pytest.fixture
def customer():
    return UserFactory(role=Role.CLIENT, display_name="Max")


_numbers = itertools.count()


def _others(city, count: int) -> list:  # noqa: ANN001
    """Other providers' profiles, each with a name of its own."""
    numbers = [next(_numbers) for _ in range(count)]
    return [bookable_profile(f"Other {n}", city=city) for n in numbers]


def signed_in(user) -> Client:  # noqa: ANN001
    browser = Client()
    browser.force_login(user)
    return browser


def _url(booking: Booking) -> str:
    return f"/api/v1/bookings/{booking.pk}/assessment"


# --- the summary ---------------------------------------------------------------------


def test_the_share_counts_each_providers_latest_answer_once(city, customer):
    first, second, third = _others(city, 3)
    # The first provider saw the client twice: only the newer "no" counts.
    assessed(first, customer, would_see_again=True, days_ago=40)
    assessed(first, customer, would_see_again=False, days_ago=5)
    assessed(second, customer, would_see_again=True)
    assessed(third, customer, would_see_again=True)
    past_booking(second, customer, status=S.NO_SHOW, days_ago=60)

    reputation = client_reputation(client=customer)

    assert reputation.would_see_again_share == pytest.approx(2 / 3)
    assert reputation.enough_assessments
    assert reputation.completed_bookings == 4
    assert reputation.no_show_rate == pytest.approx(1 / 5)
    assert reputation.email_verified is True
    assert reputation.identity_verified is False


def test_below_three_providers_there_is_no_share(city, customer):
    first, second = _others(city, 2)
    assessed(first, customer, would_see_again=True)
    assessed(first, customer, would_see_again=True, days_ago=20)
    assessed(second, customer, would_see_again=False)
    # A third provider who did not answer the question does not count either.
    (third,) = _others(city, 1)
    assessed(third, customer, would_see_again=None)

    reputation = client_reputation(client=customer)

    assert reputation.would_see_again_share is None
    assert not reputation.enough_assessments


def test_a_client_without_bookings_has_no_rates(customer):
    reputation = client_reputation(client=customer)
    assert reputation.no_show_rate is None
    assert reputation.completed_bookings == 0
    assert reputation.account_age_days == 0


def test_the_summary_costs_the_same_queries_for_3_or_12_assessments(
    city, customer, django_assert_max_num_queries
):
    for other in _others(city, 3):
        assessed(other, customer, would_see_again=True)
    with django_assert_max_num_queries(3) as few:
        client_reputation(client=customer)
    for other in _others(city, 9):
        assessed(other, customer, would_see_again=False)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client_reputation(client=customer).would_see_again_share == 0.25


def test_the_api_gives_the_summary_to_a_provider_the_client_requested(
    api_client, city, profile, customer
):
    for other in _others(city, 3):
        assessed(other, customer, would_see_again=True)
    request_booking(profile, start=local_time(city, days=3, hour=14), client=customer)
    api_client.force_authenticate(profile.owner)

    response = api_client.get(f"/api/v1/clients/{customer.pk}/reputation")

    assert response.status_code == 200
    body = response.json()
    # The summary's fields and nothing else: no assessment, no assessor.
    assert set(body) == REPUTATION_KEYS
    assert body["would_see_again_share"] == 1.0
    assert body["completed_bookings"] == 3


def test_a_provider_the_client_wrote_to_sees_the_summary(api_client, profile, customer):
    Thread.objects.create(client=customer, profile=profile)
    api_client.force_authenticate(profile.owner)
    response = api_client.get(f"/api/v1/clients/{customer.pk}/reputation")
    assert response.status_code == 200
    assert response.json()["enough_assessments"] is False


def test_others_get_404_for_a_summary(api_client, city, profile, customer):
    request_booking(profile, start=local_time(city, days=3, hour=14), client=customer)
    stranger = EscortOwnerFactory()
    url = f"/api/v1/clients/{customer.pk}/reputation"
    for user in (stranger, customer, UserFactory(role=Role.CLIENT)):
        api_client.force_authenticate(user)
        assert_error_shape(api_client.get(url), 404, "not_found")
    api_client.force_authenticate(profile.owner)
    for bad in (profile.owner.pk, 2**63, 0):
        assert_error_shape(
            api_client.get(f"/api/v1/clients/{bad}/reputation"), 404, "not_found"
        )
    api_client.force_authenticate(None)
    assert api_client.get(url).status_code in (401, 403)


def test_client_reputation_for_refuses_the_client_themselves(customer, profile):
    past_booking(profile, customer)
    with pytest.raises(Exception, match="Client not found"):
        client_reputation_for(viewer=customer, client_id=customer.pk)


# --- pages ---------------------------------------------------------------------------


def test_the_provider_sees_the_summary_on_the_booking_and_the_thread(
    city, profile, customer
):
    others = _others(city, 3)
    for other, answer in zip(others, (True, True, False), strict=True):
        assessed(other, customer, would_see_again=answer)
    booking = request_booking(
        profile, start=local_time(city, days=3, hour=14), client=customer
    )
    thread = Thread.objects.create(client=customer, profile=profile)
    browser = signed_in(profile.owner)

    for url in (f"/dashboard/bookings/{booking.pk}/", f"/messages/{thread.pk}/"):
        page = browser.get(url).content.decode()
        assert "About this client" in page
        assert "67% of providers who assessed them" in page
        # Never who assessed: no other provider's name on the page.
        assert all(other.title not in page for other in others)


def test_too_few_assessments_say_so(city, profile, customer):
    assessed(_others(city, 1)[0], customer, would_see_again=True)
    booking = request_booking(
        profile, start=local_time(city, days=3, hour=14), client=customer
    )
    page = signed_in(profile.owner).get(f"/dashboard/bookings/{booking.pk}/")
    assert "Not enough assessments yet" in page.content.decode()


def test_the_client_sees_neither_summary_nor_assessment(city, profile, customer):
    for other in _others(city, 3):
        assessed(other, customer, would_see_again=True)
    booking = past_booking(profile, customer)
    ClientAssessment.objects.create(
        booking=booking, client=customer, assessor=profile.owner, showed_up=True
    )
    thread = Thread.objects.create(client=customer, profile=profile)
    browser = signed_in(customer)

    for url in (f"/dashboard/bookings/{booking.pk}/", f"/messages/{thread.pk}/"):
        page = browser.get(url).content.decode()
        assert "About this client" not in page
        assert "How did it go?" not in page
        assert "100%" not in page
    url = f"/dashboard/reputation/bookings/{booking.pk}/assessment/"
    assert browser.get(url).status_code == 404
    assert browser.post(url, {"showed_up": "no"}).status_code == 404
    assert ClientAssessment.objects.get(booking=booking).showed_up is True


def test_the_clients_own_page_lists_facts_not_assessments(city, profile, customer):
    for other in _others(city, 3):
        assessed(other, customer, would_see_again=False)
    customer.is_age_verified = True
    customer.save(update_fields=["is_age_verified"])

    response = signed_in(customer).get("/dashboard/reputation/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "Your reputation: what providers see" in page
    assert "<dt>Completed bookings</dt><dd>3</dd>" in page
    assert "<dt>Identity</dt><dd>Verified</dd>" in page
    assert "aggregated and never shown" in page
    assert "0%" not in page
    assert signed_in(profile.owner).get("/dashboard/reputation/").status_code == 404


# --- recording an assessment --------------------------------------------------------


def test_the_provider_records_then_corrects_an_assessment(
    api_client, profile, customer
):
    booking = past_booking(profile, customer)
    api_client.force_authenticate(profile.owner)

    created = api_client.put(
        _url(booking), {"showed_up": True, "would_see_again": True}, format="json"
    )
    assert created.status_code == 201
    assert created.json()["respectful"] is None
    changed = api_client.put(
        _url(booking),
        {"showed_up": True, "respectful": False, "would_see_again": False},
        format="json",
    )
    assert changed.status_code == 200

    saved = ClientAssessment.objects.get(booking=booking)
    assert (saved.client, saved.assessor) == (customer, profile.owner)
    assert (saved.respectful, saved.would_see_again) == (False, False)
    assert api_client.get(_url(booking)).json()["would_see_again"] is False


def test_an_assessment_is_final_after_7_days(api_client, profile, customer):
    booking = past_booking(profile, customer)
    assessment = ClientAssessment.objects.create(
        booking=booking, client=customer, assessor=profile.owner, showed_up=True
    )
    ClientAssessment.objects.filter(pk=assessment.pk).update(
        created_at=timezone.now() - dt.timedelta(days=8)
    )
    api_client.force_authenticate(profile.owner)
    refused = api_client.put(_url(booking), {"showed_up": False}, format="json")
    assert_error_shape(refused, 409, "conflict")
    assert ClientAssessment.objects.get(pk=assessment.pk).showed_up is True


@pytest.mark.parametrize(
    ("status", "payload", "code", "field"),
    [
        (S.CONFIRMED, {"showed_up": True}, 409, None),
        (S.REQUESTED, {"showed_up": True}, 409, None),
        (S.NO_SHOW, {"showed_up": True}, 400, "showed_up"),
        (S.NO_SHOW, {"showed_up": False, "respectful": True}, 400, "respectful"),
        (S.COMPLETED, {"showed_up": "perhaps"}, 400, "showed_up"),
        (S.COMPLETED, {}, 400, "showed_up"),
    ],
)
def test_bad_assessments_store_nothing(
    api_client, profile, customer, status, payload, code, field
):
    booking = past_booking(profile, customer, status=status)
    api_client.force_authenticate(profile.owner)
    response = api_client.put(_url(booking), payload, format="json")
    error = assert_error_shape(response, code)
    if field:
        assert field in error["fields"]
    assert not ClientAssessment.objects.exists()


def test_a_no_show_is_recorded_as_not_showing_up(api_client, profile, customer):
    booking = past_booking(profile, customer, status=S.NO_SHOW)
    api_client.force_authenticate(profile.owner)
    response = api_client.put(
        _url(booking), {"showed_up": False, "would_see_again": False}, format="json"
    )
    assert response.status_code == 201
    assert ClientAssessment.objects.get(booking=booking).showed_up is False


def test_the_client_and_other_providers_get_404(api_client, profile, customer):
    booking = past_booking(profile, customer)
    ClientAssessment.objects.create(
        booking=booking, client=customer, assessor=profile.owner, showed_up=True
    )
    for user in (customer, EscortOwnerFactory()):
        api_client.force_authenticate(user)
        assert_error_shape(api_client.get(_url(booking)), 404, "not_found")
        assert_error_shape(
            api_client.put(_url(booking), {"showed_up": False}, format="json"),
            404,
            "not_found",
        )
    assert ClientAssessment.objects.get(booking=booking).showed_up is True
    api_client.force_authenticate(profile.owner)
    assert_error_shape(
        api_client.get(f"/api/v1/bookings/{2**63}/assessment"), 404, "not_found"
    )


def test_the_provider_answers_how_it_went_on_the_booking_page(profile, customer):
    booking = past_booking(profile, customer)
    browser = signed_in(profile.owner)
    detail = f"/dashboard/bookings/{booking.pk}/"
    assert "How did it go?" in browser.get(detail).content.decode()

    url = f"/dashboard/reputation/bookings/{booking.pk}/assessment/"
    refused = browser.post(url, {"respectful": "yes"})
    assert refused.status_code == 400
    assert not ClientAssessment.objects.exists()

    done = browser.post(
        url, {"showed_up": "yes", "respectful": "yes", "would_see_again": ""}
    )
    assert done.status_code == 302
    assert done["Location"] == detail
    saved = ClientAssessment.objects.get(booking=booking)
    assert (saved.showed_up, saved.respectful, saved.would_see_again) == (
        True,
        True,
        None,
    )


def test_a_future_booking_has_no_assessment_form(city, profile, customer):
    booking = request_booking(
        profile, start=local_time(city, days=3, hour=14), client=customer
    )
    browser = signed_in(profile.owner)
    assert (
        "How did it go?"
        not in browser.get(f"/dashboard/bookings/{booking.pk}/").content.decode()
    )
    url = f"/dashboard/reputation/bookings/{booking.pk}/assessment/"
    assert browser.get(url).status_code == 404


def test_the_client_dashboard_links_to_the_reputation_page(profile, customer):
    home = signed_in(customer).get("/dashboard/").content.decode()
    assert 'data-panel="reputation"' in home
    assert 'href="/dashboard/reputation/"' in home
    provider_home = signed_in(profile.owner).get("/dashboard/").content.decode()
    assert 'data-panel="reputation"' not in provider_home
