"""Archive and mute, per side: over the API and the HTML pages. Archived
conversations leave the inbox until the other side writes; muted ones send no
notices; the other side never notices either."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.models import Role
from messaging.models import Thread
from messaging.services import message_send
from notifications.models import Notification
from tests.assertions import assert_error_shape
from tests.factories import UserFactory
from tests.factories.pages import EscortOwnerFactory, make_city, make_profile

pytestmark = pytest.mark.django_db
THREADS = "/api/v1/threads"


@pytest.fixture
def provider():
    return EscortOwnerFactory()


@pytest.fixture
def customer():
    return UserFactory(role=Role.CLIENT, display_name="Max")


@pytest.fixture
def thread(customer, provider):
    profile = make_profile(
        "Clara", city=make_city("Rome", slug="rome-flags"), owner=provider
    )
    thread = Thread.objects.create(client=customer, profile=profile)
    message_send(thread_id=thread.pk, sender=customer, body="Hello")
    return thread


def _ids(response) -> list[int]:  # noqa: ANN001
    assert response.status_code == 200, response.content
    return [t["id"] for t in response.json()["results"]]


def test_archiving_is_per_side_and_a_new_message_brings_it_back(
    api_client, thread, customer, provider
):
    api_client.force_authenticate(provider)
    response = api_client.patch(
        f"{THREADS}/{thread.pk}", {"archived": True}, format="json"
    )
    assert response.status_code == 200 and response.json()["archived"] is True
    assert _ids(api_client.get(THREADS)) == []
    assert _ids(api_client.get(THREADS, {"archived": "true"})) == [thread.pk]

    api_client.force_authenticate(customer)  # the client's inbox is unchanged
    assert _ids(api_client.get(THREADS)) == [thread.pk]
    message_send(thread_id=thread.pk, sender=customer, body="Still there?")

    api_client.force_authenticate(provider)
    assert _ids(api_client.get(THREADS)) == [thread.pk]


def test_a_muted_conversation_sends_no_notices_to_that_side(
    api_client, thread, customer, provider, django_capture_on_commit_callbacks
):
    Notification.objects.all().delete()
    api_client.force_authenticate(provider)
    muted = api_client.patch(f"{THREADS}/{thread.pk}", {"muted": True}, format="json")
    assert muted.json()["muted"] is True and muted.json()["archived"] is False
    with django_capture_on_commit_callbacks(execute=True):
        message_send(thread_id=thread.pk, sender=customer, body="Are you there?")
    assert not Notification.objects.filter(recipient=provider).exists()

    api_client.patch(f"{THREADS}/{thread.pk}", {"muted": False}, format="json")
    with django_capture_on_commit_callbacks(execute=True):
        message_send(thread_id=thread.pk, sender=customer, body="Hello again")
    assert Notification.objects.filter(recipient=provider).count() == 1


def test_flags_refuse_bad_input_and_strangers(api_client, thread):
    api_client.force_authenticate(thread.client)
    for payload in ({}, {"archived": "maybe"}, {"muted": None}):
        response = api_client.patch(f"{THREADS}/{thread.pk}", payload, format="json")
        assert_error_shape(response, 400, "validation_error")
    assert_error_shape(
        api_client.get(THREADS, {"archived": "sometimes"}), 400, "validation_error"
    )
    api_client.force_authenticate(UserFactory(role=Role.CLIENT))
    response = api_client.patch(
        f"{THREADS}/{thread.pk}", {"archived": True}, format="json"
    )
    assert_error_shape(response, 404)
    thread.refresh_from_db()
    assert not (thread.client_archived or thread.provider_archived)


def test_the_pages_archive_and_mute(thread, provider):
    browser = Client()
    browser.force_login(provider)
    url = f"/messages/{thread.pk}/settings/"
    assert browser.post(url, {"action": "archive"}).status_code == 302
    assert browser.post(url, {"action": "mute"}).status_code == 302
    thread.refresh_from_db()
    assert thread.provider_archived and thread.provider_muted
    assert not (thread.client_archived or thread.client_muted)

    inbox = browser.get("/messages/").context["rows"]
    assert inbox == []
    archived = browser.get("/messages/?archived=1").context["rows"]
    assert [row.thread.pk for row in archived] == [thread.pk]
    page = browser.get(f"/messages/{thread.pk}/").content.decode()
    assert 'value="unarchive"' in page and 'value="unmute"' in page

    assert browser.post(url, {"action": "explode"}).status_code == 400
    stranger = Client()
    stranger.force_login(UserFactory(role=Role.CLIENT))
    assert stranger.post(url, {"action": "archive"}).status_code == 404


def test_a_conversation_can_be_about_one_of_my_bookings(
    api_client, django_capture_on_commit_callbacks
):
    from tests.factories.bookings import bookable_profile, local_time, request_booking

    city = make_city("Vienna", slug="vienna-topic", time_zone="Europe/Vienna")
    profile = bookable_profile("Ida", city=city)
    client = UserFactory(role=Role.CLIENT)
    booking = request_booking(
        profile, client=client, start=local_time(city, days=2, hour=19)
    )
    someone_elses = request_booking(profile, start=local_time(city, days=3, hour=19))
    api_client.force_authenticate(client)
    refused = api_client.post(
        THREADS,
        {"profile": profile.pk, "body": "About Friday", "booking": someone_elses.pk},
        format="json",
    )
    assert "booking" in assert_error_shape(refused, 400, "validation_error")["fields"]
    assert not Thread.objects.filter(client=client).exists()
    started = api_client.post(
        THREADS,
        {"profile": profile.pk, "body": "About Friday", "booking": booking.pk},
        format="json",
    )
    assert started.status_code == 201, started.content
    assert started.json()["thread"]["booking_id"] == booking.pk
    page = Client()
    page.force_login(client)
    thread_id = started.json()["thread"]["id"]
    assert (
        f"booking #{booking.pk}" in page.get(f"/messages/{thread_id}/").content.decode()
    )
