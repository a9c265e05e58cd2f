"""Notifications people can read: a human title per kind of event, in the city's
time; everyone on a booking but the one who acted is told, once; the settings
list only the kinds that apply to the role; notices stored before keep working."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Role
from bookings.models import Booking
from bookings.services import booking_act
from bookings.tasks import notify_booking_event, send_reminder
from core.formatting import format_local_time
from directory.models import Agency, AgencyMembership, EscortProfilePage
from directory.tasks import send_review_decision_email
from messaging.services import message_send, thread_start
from notifications import titles
from notifications.models import Kind, Notification
from notifications.titles import AGENCY, CLIENT, PROVIDER, BookingFacts
from tests.factories import UserFactory
from tests.factories.bookings import bookable_profile, client_account, local_time
from tests.factories.bookings import request_booking as book
from tests.factories.pages import EscortOwnerFactory, make_city

pytestmark = pytest.mark.django_db

S = Booking.Status


# --- wording, exact -------------------------------------------------------------


def test_times_read_in_the_citys_zone():
    moment = dt.datetime(2026, 12, 8, 13, 0, tzinfo=dt.UTC)
    assert format_local_time(moment, "Europe/Berlin") == "Tue 8 Dec, 14:00"
    assert format_local_time(moment, "America/New_York") == "Tue 8 Dec, 08:00"


def facts(audience: str, by: str = "") -> BookingFacts:
    return BookingFacts(
        profile="Sofia Laurent",
        client="Max",
        when="Tue 8 Dec, 14:00",
        by=by,
        audience=audience,
    )


@pytest.mark.parametrize(
    ("title", "audience", "by", "expected"),
    [
        (titles.booking_requested, PROVIDER, "", "Max asked to book Tue 8 Dec, 14:00"),
        (
            titles.booking_requested,
            AGENCY,
            "",
            "Max asked to book Sofia Laurent for Tue 8 Dec, 14:00",
        ),
        (
            titles.booking_accepted,
            CLIENT,
            "Sofia Laurent",
            "Sofia Laurent accepted your booking for Tue 8 Dec, 14:00",
        ),
        (
            titles.booking_accepted,
            PROVIDER,
            "Nina",
            "Nina accepted Max's booking for Tue 8 Dec, 14:00",
        ),
        (
            titles.booking_deposit_due,
            CLIENT,
            "Sofia Laurent",
            "Sofia Laurent accepted your booking for Tue 8 Dec, 14:00: pay the deposit",
        ),
        (
            titles.booking_confirmed,
            CLIENT,
            "",
            "Your booking with Sofia Laurent for Tue 8 Dec, 14:00 is confirmed",
        ),
        (
            titles.booking_declined,
            CLIENT,
            "Sofia Laurent",
            "Sofia Laurent declined your booking for Tue 8 Dec, 14:00",
        ),
        (
            titles.booking_cancelled_by_client,
            PROVIDER,
            "",
            "Max cancelled the booking for Tue 8 Dec, 14:00",
        ),
        (
            titles.booking_cancelled_by_provider,
            CLIENT,
            "Sofia Laurent",
            "Sofia Laurent cancelled your booking for Tue 8 Dec, 14:00",
        ),
        (
            titles.booking_expired,
            CLIENT,
            "",
            "Your request to book Sofia Laurent for Tue 8 Dec, 14:00 "
            "expired unanswered",
        ),
        (
            titles.booking_completed,
            CLIENT,
            "",
            "Your booking with Sofia Laurent on Tue 8 Dec, 14:00 is completed",
        ),
        (
            titles.booking_no_show,
            CLIENT,
            "Sofia Laurent",
            "Sofia Laurent marked your booking for Tue 8 Dec, 14:00 as a no-show",
        ),
        (
            titles.booking_rescheduled,
            CLIENT,
            "Sofia Laurent",
            "Sofia Laurent moved your booking to Tue 8 Dec, 14:00",
        ),
        (
            titles.booking_rescheduled,
            PROVIDER,
            "",
            "Max moved the booking to Tue 8 Dec, 14:00",
        ),
        (
            titles.booking_reminder,
            CLIENT,
            "",
            "Reminder: your booking with Sofia Laurent is on Tue 8 Dec, 14:00",
        ),
        (
            titles.booking_reminder,
            PROVIDER,
            "",
            "Reminder: Max's booking is on Tue 8 Dec, 14:00",
        ),
    ],
)
def test_booking_titles(title, audience, by, expected):  # noqa: ANN001
    assert title(facts(audience, by)) == expected


def test_message_and_review_titles():
    assert titles.message_received(sender="Max") == "New message from Max"
    assert (
        titles.profile_approved(profile="Sofia Laurent")
        == "Sofia Laurent is live: a moderator approved your changes"
    )
    assert (
        titles.profile_changes_requested(profile="Sofia Laurent")
        == "A moderator asked for changes to Sofia Laurent"
    )


# --- from real events -------------------------------------------------------------


@pytest.fixture
def berlin():
    return make_city("Berlin", slug="berlin-titles", time_zone="Europe/Berlin")


@pytest.fixture
def sofia(berlin) -> EscortProfilePage:
    return bookable_profile("Sofia Laurent", city=berlin, owner=EscortOwnerFactory())


@pytest.fixture
def max_():
    return client_account(display_name="Max")


@pytest.fixture
def manager(sofia):
    """An agency manager on Sofia's provider side (not her owner)."""
    agency = Agency.objects.create(name="Velvet", slug="velvet-titles")
    user = UserFactory(role=Role.AGENCY, display_name="Nina")
    AgencyMembership.objects.create(agency=agency, user=user, role="manager")
    EscortProfilePage.objects.filter(pk=sofia.pk).update(agency=agency)
    return user


def when(booking: Booking) -> str:
    """Written independently of core.formatting: Berlin's wall clock."""
    local = booking.start.astimezone(ZoneInfo("Europe/Berlin"))
    return local.strftime("%a %-d %b, %H:%M")


def titles_of(user) -> list[str]:  # noqa: ANN001
    return list(
        Notification.objects.filter(recipient=user)
        .order_by("created_at", "id")
        .values_list("title", flat=True)
    )


def test_a_request_tells_the_owner_and_the_agency_not_the_client(
    sofia, max_, manager, berlin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        booking = book(sofia, client=max_, start=local_time(berlin, days=2, hour=14))
    assert titles_of(sofia.owner) == [f"Max asked to book {when(booking)}"]
    assert titles_of(manager) == [
        f"Max asked to book Sofia Laurent for {when(booking)}"
    ]
    assert titles_of(max_) == []


def test_an_agency_manager_who_accepts_is_not_told_the_owner_and_client_are(
    sofia, max_, manager, berlin, django_capture_on_commit_callbacks
):
    booking = book(sofia, client=max_, start=local_time(berlin, days=2, hour=14))
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        booking_act(booking_id=booking.pk, actor=manager, action="accept")
    # One accept, one notice each (accepted -> confirmed is one piece of news).
    assert titles_of(max_) == [
        f"Sofia Laurent accepted your booking for {when(booking)}"
    ]
    assert titles_of(sofia.owner) == [
        f"Nina accepted Max's booking for {when(booking)}"
    ]
    assert titles_of(manager) == []


def test_the_client_is_not_told_of_their_own_cancellation(
    sofia, max_, manager, berlin, django_capture_on_commit_callbacks
):
    booking = book(sofia, client=max_, start=local_time(berlin, days=5, hour=11))
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        booking_act(booking_id=booking.pk, actor=max_, action="cancel")
    assert titles_of(max_) == []
    expected = f"Max cancelled the booking for {when(booking)}"
    assert titles_of(sofia.owner) == [expected]
    assert titles_of(manager) == [expected]


def test_the_owner_who_declines_is_not_told(
    sofia, max_, berlin, django_capture_on_commit_callbacks
):
    booking = book(sofia, client=max_, start=local_time(berlin, days=2, hour=14))
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        booking_act(booking_id=booking.pk, actor=sofia.owner, action="decline")
    assert titles_of(sofia.owner) == []
    assert titles_of(max_) == [
        f"Sofia Laurent declined your booking for {when(booking)}"
    ]


def test_the_same_event_twice_gives_one_notice(
    sofia, max_, manager, berlin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        booking = book(sofia, client=max_, start=local_time(berlin, days=2, hour=14))
    event = booking.events.get()
    assert notify_booking_event(event.pk) is True  # a retried task
    assert notify_booking_event(event.pk) is True
    assert (
        Notification.objects.filter(dedupe_key=f"booking-event:{event.pk}").count() == 2
    )
    assert len(titles_of(sofia.owner)) == 1 and len(titles_of(manager)) == 1
    # The database holds the line, whatever the code path.
    notice = Notification.objects.filter(recipient=sofia.owner).get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(
            recipient=sofia.owner,
            kind=Kind.BOOKING,
            title="again",
            url="/",
            dedupe_key=notice.dedupe_key,
            created_at=timezone.now(),
        )


def test_reminders_read_by_side(sofia, max_, berlin):
    booking = book(sofia, client=max_, start=local_time(berlin, days=1, hour=14))
    booking_act(booking_id=booking.pk, actor=sofia.owner, action="accept")
    Notification.objects.all().delete()
    assert send_reminder(booking.pk) == 2
    assert send_reminder(booking.pk) == 2  # once per booking and person, still
    assert titles_of(max_) == [
        f"Reminder: your booking with Sofia Laurent is on {when(booking)}"
    ]
    assert titles_of(sofia.owner) == [f"Reminder: Max's booking is on {when(booking)}"]


def test_message_and_review_notices_read_as_sentences(sofia, max_):
    thread, _ = thread_start(client=max_, profile_id=sofia.pk, body="Hello")
    from messaging.tasks import notify_new_message

    notify_new_message(thread.messages.get().pk)
    assert titles_of(sofia.owner) == ["New message from Max"]
    message = message_send(thread_id=thread.pk, sender=sofia.owner, body="Hi")
    notify_new_message(message.pk)
    assert titles_of(max_) == ["New message from Sofia Laurent"]
    Notification.objects.all().delete()
    send_review_decision_email(sofia.pk, "changes_requested", "Add a photo")
    assert titles_of(sofia.owner) == ["A moderator asked for changes to Sofia Laurent"]


# --- settings and old notices ---------------------------------------------------


def test_settings_list_only_the_kinds_of_the_role(client, max_, sofia):
    client.force_login(max_)
    page = client.get("/notifications/settings/").content.decode()
    assert 'data-kind="message"' in page and 'data-kind="booking"' in page
    assert 'data-kind="profile_review"' not in page
    assert "booking requests" not in page.lower()
    assert "Your bookings: answers, changes and reminders" in page

    client.force_login(sofia.owner)
    page = client.get("/notifications/settings/").content.decode()
    assert 'data-kind="profile_review"' in page
    assert "New booking requests, changes and reminders" in page

    # A client cannot set a kind that is not theirs, even by hand-made POST.
    client.force_login(max_)
    response = client.post(
        "/notifications/settings/",
        {"message__in_app": "on", "profile_review__email": "on"},
    )
    assert response.status_code == 302
    saved = {p.kind: (p.in_app, p.email) for p in max_.notification_preferences.all()}
    assert saved == {
        "message": (True, False),
        "booking": (False, False),
        "review": (False, False),
        "moderation": (False, False),
        "payment": (False, False),
        "privacy": (False, False),
    }


def test_notices_stored_before_keep_working(client, max_):
    old = Notification.objects.create(
        recipient=max_,
        kind=Kind.BOOKING,
        title="Booking 12: accepted",
        url="/dashboard/bookings/12/",
        dedupe_key="booking-event:99",
        created_at=timezone.now() - dt.timedelta(days=30),
    )
    client.force_login(max_)
    page = client.get("/notifications/").content.decode()
    assert "Booking 12: accepted" in page
    opened = client.get(f"/notifications/{old.pk}/")
    assert opened.status_code == 302 and opened["Location"] == old.url
