"""Notifications: in-app notices and emails by preference, folding a
conversation's notices, once per event, failures recorded for the admin, the
header badges, and everything scoped to its recipient."""

from __future__ import annotations

import pytest
from celery.exceptions import Retry
from django.core import mail
from django.core.cache import cache
from django.test import override_settings

from accounts.models import Role
from bookings.tasks import notify_booking_event
from notifications.models import EmailDelivery, Kind, Notification
from notifications.selectors import unread_counts
from notifications.services import (
    Email,
    email_deliver,
    notifications_mark_read,
    notify,
)
from notifications.tasks import MAX_ATTEMPTS, deliver_email
from tests.assertions import assert_error_shape
from tests.factories import UserFactory
from tests.factories.bookings import bookable_profile, local_time, request_booking
from tests.factories.pages import make_city

pytestmark = pytest.mark.django_db

API = "/api/v1/notifications"
FAILING_EMAIL = "tests.notifications.failing_backend.RefusingBackend"


@pytest.fixture
def user():
    return UserFactory(role=Role.CLIENT, email="reader@example.com")


def _notify(user, on_commit, **fields):  # noqa: ANN001, ANN003, ANN202
    values = {
        "recipient": user,
        "kind": Kind.BOOKING,
        "title": "Your booking was accepted",
        "url": "/dashboard/bookings/1/",
        "email": Email("Booking accepted", "See /dashboard/bookings/1/"),
    } | fields
    with on_commit(execute=True):
        return notify(**values)


def test_notify_stores_a_notice_and_sends_the_email_once(
    user, django_capture_on_commit_callbacks
):
    notice = _notify(user, django_capture_on_commit_callbacks)
    assert Notification.objects.get().pk == notice.pk
    assert [m.subject for m in mail.outbox] == ["Booking accepted"]
    assert mail.outbox[0].to == ["reader@example.com"]
    delivery = EmailDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("sent", 1)
    assert delivery.sent_at is not None
    assert unread_counts(user=user) == {
        "message": 0,
        "booking": 1,
        "profile_review": 0,
        "review": 0,
        "verification": 0,
        "moderation": 0,
        "payment": 0,
        "subscription": 0,
        "privacy": 0,
        "total": 1,
    }


def test_a_repeated_event_notifies_once(user, django_capture_on_commit_callbacks):
    first = _notify(user, django_capture_on_commit_callbacks, dedupe_key="event:7")
    again = _notify(user, django_capture_on_commit_callbacks, dedupe_key="event:7")
    assert first is not None and again is None
    assert Notification.objects.count() == 1
    assert EmailDelivery.objects.count() == 1
    assert len(mail.outbox) == 1


def test_a_conversation_folds_into_one_unread_notice_and_one_email(
    user, django_capture_on_commit_callbacks
):
    for _ in range(3):
        _notify(
            user,
            django_capture_on_commit_callbacks,
            kind=Kind.MESSAGE,
            group_key="thread:9",
            email_every=900,
        )
    notice = Notification.objects.get()
    assert notice.count == 3
    assert len(mail.outbox) == 1
    # Once read, the next message opens a new notice.
    notifications_mark_read(user=user, group_key="thread:9")
    _notify(
        user,
        django_capture_on_commit_callbacks,
        kind=Kind.MESSAGE,
        group_key="thread:9",
    )
    assert Notification.objects.filter(read_at__isnull=True).get().count == 1
    assert Notification.objects.count() == 2


def test_preferences_choose_the_channels(user, django_capture_on_commit_callbacks):
    from notifications.services import preferences_update

    preferences_update(
        user=user, changes={Kind.BOOKING: {"in_app": True, "email": False}}
    )
    _notify(user, django_capture_on_commit_callbacks)
    assert Notification.objects.count() == 1 and mail.outbox == []

    preferences_update(
        user=user, changes={Kind.BOOKING: {"in_app": False, "email": True}}
    )
    assert _notify(user, django_capture_on_commit_callbacks, dedupe_key="b") is None
    assert Notification.objects.count() == 1
    assert len(mail.outbox) == 1


def test_links_must_stay_on_the_site(user):
    for url in ("https://elsewhere.example/", "//elsewhere.example/", "relative"):
        with pytest.raises(ValueError):
            notify(recipient=user, kind=Kind.BOOKING, title="x", url=url)


@override_settings(EMAIL_BACKEND=FAILING_EMAIL)
def test_a_refused_email_is_retried_then_recorded_as_failed(user):
    notify(
        recipient=user,
        kind=Kind.BOOKING,
        title="Your booking was accepted",
        url="/dashboard/bookings/1/",
        email=Email("Booking accepted", "See /dashboard/bookings/1/"),
    )
    delivery = EmailDelivery.objects.get()
    # Each failed attempt asks Celery for a retry (eager here: it raises).
    with pytest.raises(Retry):
        deliver_email(delivery.pk)
    for _ in range(MAX_ATTEMPTS - 2):
        assert email_deliver(delivery_id=delivery.pk, max_attempts=MAX_ATTEMPTS) == (
            "pending"
        )
    assert deliver_email(delivery.pk) == "failed"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("failed", MAX_ATTEMPTS)
    assert "SMTPServerDisconnected" in delivery.last_error
    assert deliver_email(delivery.pk) is None  # nothing left to do
    # The in-app notice is there all the same.
    assert Notification.objects.filter(recipient=user).count() == 1


def test_booking_event_task_notifies_the_other_side_once(
    django_capture_on_commit_callbacks,
):
    city = make_city("Lisbon", slug="lisbon-notify")
    profile = bookable_profile("Ines", city=city)
    with django_capture_on_commit_callbacks(execute=True):
        booking = request_booking(profile, start=local_time(city, days=2, hour=20))
    event = booking.events.get()
    notify_booking_event(event.pk)  # a retried task: no second notice or email
    provider = profile.owner
    notices = Notification.objects.filter(recipient=provider, kind=Kind.BOOKING)
    assert notices.count() == 1
    assert notices.get().url == f"/dashboard/bookings/{booking.pk}/"
    assert len([m for m in mail.outbox if provider.email in m.to]) == 1


# --- API ---------------------------------------------------------------------


def test_the_api_lists_only_my_notices_and_marks_them_read(
    api_client, user, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    other = UserFactory(role=Role.CLIENT)
    mine = [
        _notify(user, django_capture_on_commit_callbacks, dedupe_key=f"k{i}")
        for i in range(3)
    ]
    theirs = _notify(other, django_capture_on_commit_callbacks, dedupe_key="x")
    api_client.force_authenticate(user)
    with django_assert_max_num_queries(3):
        listed = api_client.get(API, {"page_size": 2})
    assert listed.status_code == 200
    assert [n["id"] for n in listed.json()["results"]] == [mine[2].pk, mine[1].pk]
    rest = api_client.get(listed.json()["next"])
    assert [n["id"] for n in rest.json()["results"]] == [mine[0].pk]

    marked = api_client.post(
        f"{API}/read", {"ids": [mine[0].pk, theirs.pk]}, format="json"
    )
    assert marked.json()["marked"] == 1
    assert marked.json()["unread"]["total"] == 2
    theirs.refresh_from_db()
    assert theirs.read_at is None
    unread = api_client.get(API, {"unread": "true"}).json()["results"]
    assert {n["id"] for n in unread} == {mine[1].pk, mine[2].pk}
    everything = api_client.post(f"{API}/read", {"all": True}, format="json")
    assert everything.json() == {
        "marked": 2,
        "unread": {
            "message": 0,
            "booking": 0,
            "profile_review": 0,
            "review": 0,
            "verification": 0,
            "moderation": 0,
            "payment": 0,
            "subscription": 0,
            "privacy": 0,
            "total": 0,
        },
    }


def test_api_list_query_count_is_constant(
    api_client, user, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    for i in range(30):
        _notify(
            user, django_capture_on_commit_callbacks, dedupe_key=f"n{i}", email=None
        )
    api_client.force_authenticate(user)
    with django_assert_max_num_queries(3):
        response = api_client.get(API, {"page_size": 30})
    assert len(response.json()["results"]) == 30


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "non_field_errors"),
        ({"ids": [1], "all": True}, "non_field_errors"),
        ({"ids": ["x"]}, "ids"),
        ({"ids": list(range(1, 502))}, "ids"),
        ({"ids": [0]}, "ids"),
    ],
)
def test_mark_read_refuses_bad_input(api_client, user, payload, field):
    api_client.force_authenticate(user)
    response = api_client.post(f"{API}/read", payload, format="json")
    error = assert_error_shape(response, 400, "validation_error")
    assert field in error["fields"]


def test_preferences_over_the_api(api_client, user):
    api_client.force_authenticate(user)
    initial = api_client.get("/api/v1/me/notification-preferences").json()
    # A client: profile reviews never happen to them, so they are not listed.
    assert {p["kind"]: (p["in_app"], p["email"]) for p in initial} == {
        "message": (True, True),
        "booking": (True, True),
        "review": (True, True),
        "moderation": (True, True),
        "payment": (True, True),
        "privacy": (True, True),
    }
    changed = api_client.put(
        "/api/v1/me/notification-preferences",
        {"preferences": [{"kind": "message", "in_app": True, "email": False}]},
        format="json",
    )
    assert changed.status_code == 200
    assert {p["kind"]: p["email"] for p in changed.json()}["message"] is False
    for bad in (
        {"preferences": [{"kind": "sms", "in_app": True, "email": True}]},
        {"preferences": [{"kind": "profile_review", "in_app": True, "email": True}]},
        {"preferences": []},
        {
            "preferences": [
                {"kind": "message", "in_app": True, "email": True},
                {"kind": "message", "in_app": False, "email": True},
            ]
        },
    ):
        response = api_client.put(
            "/api/v1/me/notification-preferences", bad, format="json"
        )
        assert_error_shape(response, 400, "validation_error")
    assert {
        p["kind"]: p["email"]
        for p in api_client.get("/api/v1/me/notification-preferences").json()
    }["message"] is False


def test_anonymous_callers_get_401(api_client):
    for path in (API, f"{API}/unread", "/api/v1/me/notification-preferences"):
        assert_error_shape(api_client.get(path), 401)


# --- HTML --------------------------------------------------------------------


def test_header_badges_pages_and_mark_read(
    client, user, django_capture_on_commit_callbacks
):
    _notify(user, django_capture_on_commit_callbacks, kind=Kind.MESSAGE, group_key="t")
    booking = _notify(user, django_capture_on_commit_callbacks, dedupe_key="b1")
    client.force_login(user)
    page = client.get("/notifications/").content.decode()
    assert 'data-badge="messages">Messages <span class="count-badge"' in page
    assert 'aria-label="1 unread">1</span>' in page
    assert "Your booking was accepted" in page

    opened = client.get(f"/notifications/{booking.pk}/")
    assert opened.status_code == 302 and opened["Location"] == booking.url
    booking.refresh_from_db()
    assert booking.read_at is not None
    # The badge cache was dropped on read: the header shows the new count.
    page = client.get("/notifications/").content.decode()
    assert 'data-badge="others">Notifications</a>' in page

    assert client.post("/notifications/read/").status_code == 302
    assert unread_counts(user=user)["total"] == 0


def test_someone_elses_notice_is_404(client, user, django_capture_on_commit_callbacks):
    theirs = _notify(UserFactory(), django_capture_on_commit_callbacks)
    client.force_login(user)
    assert client.get(f"/notifications/{theirs.pk}/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_preferences_page_saves(client, user):
    client.force_login(user)
    assert client.get("/notifications/settings/").status_code == 200
    response = client.post(
        "/notifications/settings/",
        {"message__in_app": "on", "booking__in_app": "on", "booking__email": "on"},
    )
    assert response.status_code == 302
    saved = {p.kind: (p.in_app, p.email) for p in user.notification_preferences.all()}
    assert saved == {
        "message": (True, False),
        "booking": (True, True),
        "review": (False, False),
        "moderation": (False, False),
        "payment": (False, False),
        "privacy": (False, False),
    }


def test_badge_counts_are_cached_until_they_change(
    user, django_capture_on_commit_callbacks, django_assert_num_queries
):
    cache.clear()
    unread_counts(user=user)
    with django_assert_num_queries(0):
        assert unread_counts(user=user)["total"] == 0
    _notify(user, django_capture_on_commit_callbacks)
    assert unread_counts(user=user)["total"] == 1
