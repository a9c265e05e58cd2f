"""The schedule editor in HTML: weekly hours, days off / extra hours and the
booking policy through the forms, with messages people understand; others'
profiles are 404; every write needs the CSRF token."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import Role
from bookings.models import AvailabilityException, AvailabilityRule, BookingPolicy
from directory.models import Agency, AgencyMembership, EscortProfilePage
from tests.factories import UserFactory
from tests.factories.bookings import bookable_profile
from tests.factories.pages import EscortOwnerFactory, make_city

pytestmark = pytest.mark.django_db


@pytest.fixture
def city():
    return make_city("Madrid", slug="madrid-hours", time_zone="Europe/Madrid")


@pytest.fixture
def profile(city):
    # Open every day 10:00-22:00 (two rows per day show: the saved one + a blank).
    return bookable_profile("Lucia", city=city)


def page_url(profile) -> str:  # noqa: ANN001
    return f"/dashboard/bookings/hours/{profile.pk}/"


def local_today(city) -> dt.date:  # noqa: ANN001
    return timezone.now().astimezone(zoneinfo.ZoneInfo(city.time_zone)).date()


def hours_data(**rows: str) -> dict:
    """Every day as saved (10:00-22:00 in row 0), with ``rows`` changed."""
    data = {}
    for day in range(7):
        data[f"d{day}_0_start"] = "10:00"
        data[f"d{day}_0_end"] = "22:00"
    data.update(rows)
    return data


def rules_of(profile) -> list[tuple]:  # noqa: ANN001
    return list(
        AvailabilityRule.objects.filter(profile=profile)
        .order_by("weekday", "start_time")
        .values_list("weekday", "start_time", "end_time")
    )


def test_the_page_shows_the_saved_hours_in_the_city_time(client, profile):
    client.force_login(profile.owner)
    response = client.get(page_url(profile))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Europe/Madrid" in html
    assert 'name="d0_0_start" value="10:00"' in html
    assert 'name="d0_1_start"' in html  # a blank row for a second period
    assert "Save weekly hours" in html and "Save booking policy" in html


def test_the_dashboard_links_to_the_editor(client, profile):
    client.force_login(profile.owner)
    dashboard = client.get("/dashboard/").content.decode()
    assert f'href="/dashboard/bookings/hours/{profile.pk}/"' in dashboard
    assert 'href="/dashboard/bookings/hours/"' in dashboard
    # One profile: the index goes straight to its editor.
    response = client.get("/dashboard/bookings/hours/")
    assert response.status_code == 302
    assert response["Location"] == page_url(profile)


def test_edit_add_and_delete_weekly_hours(client, profile):
    client.force_login(profile.owner)
    response = client.post(
        page_url(profile),
        hours_data(
            d0_0_start="09:00",
            d0_0_end="13:00",
            d0_1_start="15:00",
            d0_1_end="19:30",
            d4_1_start="23:00",
            d4_1_end="02:00",
            d4_1_next_day="on",
            d6_0_start="",
            d6_0_end="",
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response["Location"] == page_url(profile)
    rules = rules_of(profile)
    assert (0, dt.time(9), dt.time(13)) in rules
    assert (0, dt.time(15), dt.time(19, 30)) in rules
    assert (4, dt.time(23), dt.time(2)) in rules
    assert not [rule for rule in rules if rule[0] == 6]  # Sunday deleted
    assert len(rules) == 8
    page = client.get(page_url(profile)).content.decode()
    assert "Weekly hours saved." in page
    # Saved past midnight: the box is ticked again when the page comes back.
    assert 'name="d4_1_next_day" id="id_d4_1_next_day" checked' in page


@pytest.mark.parametrize(
    ("rows", "field", "message"),
    [
        (
            {"d1_0_start": "18:00", "d1_0_end": "09:00"},
            "d1_0_end",
            "End must be after start.",
        ),
        ({"d1_0_start": "18:00", "d1_0_end": "18:00"}, "d1_0_end", "End must be"),
        (
            {"d1_1_start": "21:00", "d1_1_end": "23:00"},
            "d1_1_start",
            "Tuesday 21:00–23:00 overlaps Tuesday 10:00–22:00. Hours cannot overlap.",
        ),
        (
            # Sunday night runs into Monday morning, which opens at 10:00.
            {"d6_1_start": "23:00", "d6_1_end": "11:00", "d6_1_next_day": "on"},
            "d0_0_start",
            "overlaps Sunday 23:00–11:00",
        ),
        ({"d2_1_start": "20:00"}, "d2_1_end", "Give both a start and an end time."),
        ({"d2_0_start": "25:00"}, "d2_0_start", "Enter a valid time."),
    ],
)
def test_bad_hours_are_refused_with_a_human_message(
    client, profile, rows, field, message
):
    client.force_login(profile.owner)
    before = rules_of(profile)
    response = client.post(page_url(profile), hours_data(**rows))
    assert response.status_code == 400
    errors = response.context["hours"].errors
    assert any(message in error for error in errors[field]), errors
    assert message.split(".")[0] in response.content.decode().replace("&nbsp;", " ")
    assert 'role="alert"' in response.content.decode()
    assert rules_of(profile) == before


def test_add_a_day_off_and_extra_hours_then_delete(client, profile, city):
    client.force_login(profile.owner)
    day = local_today(city) + dt.timedelta(days=3)
    response = client.post(
        f"{page_url(profile)}exceptions/",
        {"exception-date": day.isoformat(), "exception-kind": "off"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    response = client.post(
        f"{page_url(profile)}exceptions/",
        {
            "exception-date": (day + dt.timedelta(days=1)).isoformat(),
            "exception-kind": "extra",
            "exception-start_time": "06:00",
            "exception-end_time": "09:00",
        },
    )
    assert response.status_code == 302
    saved = list(
        AvailabilityException.objects.filter(profile=profile)
        .order_by("date")
        .values_list("date", "kind", "start_time", "end_time")
    )
    assert saved == [
        (day, "off", None, None),
        (day + dt.timedelta(days=1), "extra", dt.time(6), dt.time(9)),
    ]
    assert len(rules_of(profile)) == 7  # hours untouched
    page = client.get(page_url(profile)).content.decode()
    assert "Extra hours on" in page and "saved." in page
    assert day.strftime("%Y") in page

    off = AvailabilityException.objects.get(profile=profile, kind="off")
    response = client.post(f"{page_url(profile)}exceptions/{off.pk}/delete/")
    assert response.status_code == 302
    assert list(
        AvailabilityException.objects.filter(profile=profile).values_list(
            "kind", flat=True
        )
    ) == ["extra"]
    # The same button again (a double click, an old tab): nothing else goes.
    response = client.post(f"{page_url(profile)}exceptions/{off.pk}/delete/")
    assert response.status_code == 302
    assert AvailabilityException.objects.filter(profile=profile).count() == 1


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"exception-kind": "extra", "exception-start_time": "10:00"},
            "end_time",
            "Give both a start and an end time.",
        ),
        ({"exception-kind": "extra"}, "start_time", "Extra hours need a start"),
        (
            {
                "exception-kind": "extra",
                "exception-start_time": "12:00",
                "exception-end_time": "10:00",
            },
            "end_time",
            "End must be after start.",
        ),
        ({"exception-kind": "off", "past": True}, "date", "Choose today or a later"),
        ({"exception-kind": ""}, "kind", "This field is required."),
    ],
)
def test_bad_exceptions_are_refused_with_a_human_message(
    client, profile, city, data, field, message
):
    client.force_login(profile.owner)
    offset = -2 if data.pop("past", False) else 2
    day = local_today(city) + dt.timedelta(days=offset)
    response = client.post(
        f"{page_url(profile)}exceptions/", {"exception-date": day.isoformat(), **data}
    )
    assert response.status_code == 400
    errors = response.context["exception_form"].errors
    assert any(message in error for error in errors[field]), errors
    assert not AvailabilityException.objects.filter(profile=profile).exists()


def test_the_same_day_off_twice_is_refused(client, profile, city):
    client.force_login(profile.owner)
    day = (local_today(city) + dt.timedelta(days=5)).isoformat()
    url = f"{page_url(profile)}exceptions/"
    client.post(url, {"exception-date": day, "exception-kind": "off"})
    response = client.post(url, {"exception-date": day, "exception-kind": "off"})
    assert response.status_code == 400
    assert "That day is already off." in response.content.decode()
    assert AvailabilityException.objects.filter(profile=profile).count() == 1


def test_edit_the_booking_policy(client, profile):
    client.force_login(profile.owner)
    response = client.post(
        f"{page_url(profile)}policy/",
        {
            # requires_acceptance left unticked: instant booking
            "min_notice_minutes": "60",
            "max_days_ahead": "30",
            "buffer_before_minutes": "15",
            "buffer_after_minutes": "15",
            "daily_cap": "",
            "cancellation_window_hours": "48",
            "allows_reschedule": "on",
            "request_expiry_hours": "6",
            "deposit_percent": "25",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    policy = BookingPolicy.objects.get(profile=profile)
    assert (
        policy.requires_acceptance,
        policy.min_notice_minutes,
        policy.daily_cap,
        policy.cancellation_window_hours,
        policy.allows_reschedule,
        policy.deposit_percent,
    ) == (False, 60, None, 48, True, 25)
    assert len(rules_of(profile)) == 7  # hours untouched
    assert "Booking policy saved." in client.get(page_url(profile)).content.decode()


def test_a_bad_policy_is_refused_and_nothing_changes(client, profile):
    client.force_login(profile.owner)
    response = client.post(
        f"{page_url(profile)}policy/",
        {
            "min_notice_minutes": "-5",
            "max_days_ahead": "30",
            "buffer_before_minutes": "0",
            "buffer_after_minutes": "0",
            "cancellation_window_hours": "24",
            "request_expiry_hours": "12",
            "deposit_percent": "150",
        },
    )
    assert response.status_code == 400
    errors = response.context["policy_form"].errors
    assert "deposit_percent" in errors and "min_notice_minutes" in errors
    assert BookingPolicy.objects.get(profile=profile).deposit_percent == 0


def test_an_agency_manager_edits_hours_of_a_managed_profile(client, profile):
    agency = Agency.objects.create(name="Velvet", slug="velvet-schedule")
    manager = UserFactory(role=Role.AGENCY)
    AgencyMembership.objects.create(agency=agency, user=manager, role="manager")
    EscortProfilePage.objects.filter(pk=profile.pk).update(agency=agency)
    client.force_login(manager)
    assert client.get(page_url(profile)).status_code == 200
    response = client.post(page_url(profile), hours_data(d0_0_start="11:00"))
    assert response.status_code == 302
    assert (0, dt.time(11), dt.time(22)) in rules_of(profile)


def test_someone_elses_profile_is_404_and_unchanged(client, profile, city):
    other = EscortOwnerFactory()
    client.force_login(other)
    day = (local_today(city) + dt.timedelta(days=2)).isoformat()
    exception = AvailabilityException.objects.create(
        profile=profile, date=day, kind="off"
    )
    assert client.get(page_url(profile)).status_code == 404
    assert client.post(page_url(profile), hours_data()).status_code == 404
    assert (
        client.post(
            f"{page_url(profile)}exceptions/",
            {"exception-date": day, "exception-kind": "off"},
        ).status_code
        == 404
    )
    assert (
        client.post(f"{page_url(profile)}exceptions/{exception.pk}/delete/").status_code
        == 404
    )
    assert client.post(f"{page_url(profile)}policy/", {}).status_code == 404
    assert len(rules_of(profile)) == 7
    assert AvailabilityException.objects.filter(profile=profile).count() == 1


def test_anonymous_is_sent_to_sign_in(client, profile):
    response = client.get(page_url(profile))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_writes_need_the_csrf_token(profile, city):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(profile.owner)
    day = (local_today(city) + dt.timedelta(days=2)).isoformat()
    assert browser.post(page_url(profile), hours_data()).status_code == 403
    assert (
        browser.post(
            f"{page_url(profile)}exceptions/",
            {"exception-date": day, "exception-kind": "off"},
        ).status_code
        == 403
    )
    assert browser.post(f"{page_url(profile)}policy/", {}).status_code == 403
    assert not AvailabilityException.objects.filter(profile=profile).exists()
    # The page's own forms carry the token.
    page = browser.get(page_url(profile)).content.decode()
    assert page.count('name="csrfmiddlewaretoken"') >= 3
