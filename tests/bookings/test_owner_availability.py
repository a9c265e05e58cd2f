"""A provider sets their hours, exceptions and policy; the slots follow; someone
else's profile is 404 and bad values are 400 with nothing changed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import Role
from bookings.availability import bookable_slots
from bookings.models import AvailabilityException, AvailabilityRule, BookingPolicy
from directory.models import Agency, AgencyMembership, EscortProfilePage
from tests.assertions import assert_error_shape
from tests.factories import UserFactory
from tests.factories.bookings import bookable_profile
from tests.factories.pages import EscortOwnerFactory, make_city

pytestmark = pytest.mark.django_db


def url(profile) -> str:  # noqa: ANN001
    return f"/api/v1/me/profiles/{profile.pk}/availability"


POLICY = {
    "requires_acceptance": False,
    "min_notice_minutes": 60,
    "max_days_ahead": 30,
    "buffer_before_minutes": 15,
    "buffer_after_minutes": 15,
    "daily_cap": 2,
    "cancellation_window_hours": 48,
    "allows_reschedule": False,
    "request_expiry_hours": 6,
    "deposit_percent": 25,
}


@pytest.fixture
def profile():
    return bookable_profile("Clara", city=make_city("Berlin", slug="berlin-own"))


def body(**changes) -> dict:  # noqa: ANN003
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    return {
        "policy": POLICY,
        "rules": [{"weekday": 4, "start_time": "20:00", "end_time": "02:00"}],
        "exceptions": [{"date": tomorrow.isoformat(), "kind": "off"}],
        **changes,
    }


def test_the_owner_replaces_hours_exceptions_and_policy(api_client, profile):
    api_client.force_authenticate(profile.owner)

    response = api_client.put(url(profile), body(), format="json")

    assert response.status_code == 200, response.content
    assert response.json()["rules"] == [
        {"weekday": 4, "start_time": "20:00:00", "end_time": "02:00:00"}
    ]
    assert list(
        AvailabilityRule.objects.filter(profile=profile).values_list(
            "weekday", "start_time", "end_time"
        )
    ) == [(4, dt.time(20), dt.time(2))]
    assert (
        AvailabilityException.objects.filter(profile=profile, kind="off").count() == 1
    )
    policy = BookingPolicy.objects.get(profile=profile)
    assert (policy.requires_acceptance, policy.daily_cap, policy.deposit_percent) == (
        False,
        2,
        25,
    )
    # Only Friday evenings (into Saturday) are bookable now.
    today = timezone.localdate()
    slots = bookable_slots(
        profile=profile, date_from=today, date_to=today + dt.timedelta(days=13)
    )
    assert slots
    assert all(s.start.astimezone(dt.UTC).weekday() in (4, 5) for s in slots)
    assert api_client.get(url(profile)).json() == response.json()


def test_an_agency_manager_sets_their_escorts_hours(api_client, profile):
    agency = Agency.objects.create(name="Velvet", slug="velvet-hours")
    manager = UserFactory(role=Role.AGENCY)
    AgencyMembership.objects.create(agency=agency, user=manager, role="manager")
    EscortProfilePage.objects.filter(pk=profile.pk).update(agency=agency)
    api_client.force_authenticate(manager)

    assert api_client.put(url(profile), body(), format="json").status_code == 200


def test_someone_elses_profile_is_404_and_unchanged(api_client, profile):
    api_client.force_authenticate(EscortOwnerFactory())

    assert_error_shape(api_client.get(url(profile)), 404, "not_found")
    assert_error_shape(api_client.put(url(profile), body(), format="json"), 404)
    assert AvailabilityRule.objects.filter(profile=profile).count() == 7


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        (
            {"rules": [{"weekday": 7, "start_time": "10:00", "end_time": "12:00"}]},
            "rules",
        ),
        (
            {"rules": [{"weekday": 1, "start_time": "10:00", "end_time": "10:00"}]},
            "rules",
        ),
        (
            {"rules": [{"weekday": 1, "start_time": "25:00", "end_time": "10:00"}]},
            "rules",
        ),
        (
            {
                "rules": [{"weekday": 1, "start_time": "10:00", "end_time": "12:00"}]
                * 29
            },
            "rules",
        ),
        ({"exceptions": [{"date": "2020-01-01", "kind": "off"}]}, "exceptions"),
        ({"exceptions": [{"date": "2099-01-01", "kind": "off"}]}, "exceptions"),
        ({"exceptions": [{"date": "nope", "kind": "off"}]}, "exceptions"),
        ({"exceptions": [{"date": "2027-01-01", "kind": "extra"}]}, "exceptions"),
        ({"policy": {**POLICY, "deposit_percent": 101}}, "policy"),
        ({"policy": {**POLICY, "daily_cap": 0}}, "policy"),
        ({"policy": {**POLICY, "max_days_ahead": -1}}, "policy"),
        ({"policy": "x"}, "policy"),
    ],
)
def test_bad_settings_are_400_and_change_nothing(api_client, profile, changes, field):
    api_client.force_authenticate(profile.owner)

    response = api_client.put(url(profile), body(**changes), format="json")

    assert field in assert_error_shape(response, 400, "validation_error")["fields"]
    assert AvailabilityRule.objects.filter(profile=profile).count() == 7
    assert BookingPolicy.objects.get(profile=profile).requires_acceptance is True
