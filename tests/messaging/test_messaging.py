"""Conversations over REST: the provider's gate, blocking, encryption at rest
and key rotation, resync by id, retention and wipe, notices without content,
bad input, and 404 for everyone outside the conversation."""

from __future__ import annotations

import datetime as dt

import pytest
from cryptography.fernet import Fernet
from django.core import mail
from django.db import connection
from django.utils import timezone

from accounts.models import Role
from bookings.models import Booking
from core import crypto
from messaging.fanout import participant_ids
from messaging.models import Block, Message, MessagingGate, Thread
from messaging.services import (
    message_keys_rotate,
    message_send,
    messages_purge_expired,
)
from tests.assertions import assert_error_shape
from tests.factories import UserFactory
from tests.factories.bookings import bookable_profile, local_time, request_booking
from tests.factories.images import jpeg_with_gps, upload
from tests.factories.pages import EscortOwnerFactory, make_city, make_profile

pytestmark = pytest.mark.django_db

THREADS = "/api/v1/threads"


def verified_client(**fields):  # noqa: ANN003, ANN201
    return UserFactory(role=Role.CLIENT, **fields)  # with a verified email


@pytest.fixture
def berlin():
    return make_city("Berlin", slug="berlin-msg")


@pytest.fixture
def provider():
    return EscortOwnerFactory()


@pytest.fixture
def profile(berlin, provider):
    return make_profile("Clara", city=berlin, owner=provider)


@pytest.fixture
def client_user():
    return verified_client(display_name="Max")


def start(api_client, user, profile, body="Hello, are you free on Friday?"):  # noqa: ANN001, ANN201
    api_client.force_authenticate(user)
    return api_client.post(
        THREADS, {"profile": profile.pk, "body": body}, format="json"
    )


def send(api_client, user, thread_id, body):  # noqa: ANN001, ANN201
    api_client.force_authenticate(user)
    return api_client.post(
        f"{THREADS}/{thread_id}/messages", {"body": body}, format="json"
    )


def test_a_conversation_both_ways_stored_encrypted(
    api_client, profile, provider, client_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        started = start(api_client, client_user, profile)
    assert started.status_code == 201, started.content
    thread_id = started.json()["thread"]["id"]
    with django_capture_on_commit_callbacks(execute=True):
        reply = send(api_client, provider, thread_id, "Yes, from eight.")
    assert reply.status_code == 201

    api_client.force_authenticate(client_user)
    messages = api_client.get(f"{THREADS}/{thread_id}/messages").json()
    assert [(m["body"], m["mine"]) for m in messages] == [
        ("Hello, are you free on Friday?", True),
        ("Yes, from eight.", False),
    ]
    with connection.cursor() as cursor:
        cursor.execute("SELECT body_encrypted FROM messaging_message")
        stored = [row[0] for row in cursor.fetchall()]
    assert all("Friday" not in s and "eight" not in s for s in stored)
    assert all(s.startswith("gAAAA") for s in stored)  # Fernet tokens
    # One notice each way, and never the text.
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [provider.email, client_user.email]
    )
    for notice in mail.outbox:
        assert "Friday" not in notice.body and "eight" not in notice.body
        assert f"/messages/{thread_id}/" in notice.body


def test_resync_after_the_last_seen_id_misses_nothing(
    api_client, profile, provider, client_user
):
    thread_id = start(api_client, client_user, profile).json()["thread"]["id"]
    seen = api_client.get(f"{THREADS}/{thread_id}/messages").json()[-1]["id"]
    for n in range(3):
        send(api_client, provider, thread_id, f"Message {n}")

    api_client.force_authenticate(client_user)
    missed = api_client.get(f"{THREADS}/{thread_id}/messages", {"after": seen}).json()

    assert [m["body"] for m in missed] == ["Message 0", "Message 1", "Message 2"]


def test_outsiders_get_404_and_change_nothing(api_client, profile, client_user):
    thread_id = start(api_client, client_user, profile).json()["thread"]["id"]
    for outsider in (verified_client(), EscortOwnerFactory()):
        api_client.force_authenticate(outsider)
        assert_error_shape(api_client.get(f"{THREADS}/{thread_id}"), 404, "not_found")
        assert_error_shape(api_client.get(f"{THREADS}/{thread_id}/messages"), 404)
        assert_error_shape(send(api_client, outsider, thread_id, "hi"), 404)
        assert_error_shape(api_client.delete(f"{THREADS}/{thread_id}"), 404)
        assert api_client.get(THREADS).json()["results"] == []
    assert Message.objects.count() == 1


def test_blocking_stops_both_directions_with_a_neutral_403(
    api_client, profile, provider, client_user
):
    thread_id = start(api_client, client_user, profile).json()["thread"]["id"]
    api_client.force_authenticate(provider)
    assert api_client.post(f"{THREADS}/{thread_id}/block").status_code == 204

    refused = send(api_client, client_user, thread_id, "Hello again")
    also = send(api_client, provider, thread_id, "Bye")

    error = assert_error_shape(refused, 403, "permission_denied")
    assert error["message"] == "You cannot send messages in this conversation."
    assert_error_shape(also, 403)
    assert_error_shape(start(api_client, client_user, profile, "New try"), 403)
    assert Message.objects.count() == 1


def test_the_gate_by_account_age_and_by_booking_request(api_client, berlin):
    aged = bookable_profile("Aged", city=berlin)
    MessagingGate.objects.create(
        profile=aged, mode="account_age", min_account_age_days=30
    )
    booked = bookable_profile("Booked", city=berlin)
    MessagingGate.objects.create(profile=booked, mode="after_booking")
    newcomer = verified_client()
    veteran = verified_client(date_joined=timezone.now() - dt.timedelta(days=40))

    assert_error_shape(start(api_client, newcomer, aged), 403)
    assert start(api_client, veteran, aged).status_code == 201
    assert_error_shape(start(api_client, newcomer, booked), 403)
    request_booking(booked, start=local_time(berlin, days=3, hour=14), client=newcomer)
    assert start(api_client, newcomer, booked).status_code == 201
    assert Booking.objects.count() == 1


def test_unverified_emails_and_providers_cannot_start(api_client, profile):
    unverified = UserFactory(role=Role.CLIENT, verified_email=False)
    assert_error_shape(start(api_client, unverified, profile), 403)
    assert_error_shape(start(api_client, EscortOwnerFactory(), profile), 403)
    draft = make_profile("Draft", city=profile.home_city, live=False)
    assert_error_shape(start(api_client, verified_client(), draft), 404)
    assert not Thread.objects.exists()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "Write a message."),
        ("   \n ", "Write a message."),
        ("x" * 4001, "At most 4000 characters."),
        ("x" * 100_000, "At most 4000 characters."),
        ("bell\x07", "Control characters are not allowed."),
    ],
)
def test_bad_bodies_are_400(api_client, profile, client_user, body, message):
    response = start(api_client, client_user, profile, body)
    assert assert_error_shape(response, 400)["fields"]["body"] == [message]
    assert not Message.objects.exists()


def test_markup_is_kept_as_text(api_client, profile, client_user):
    payload = "<script>alert('x')</script>\nsecond line"
    thread_id = start(api_client, client_user, profile, payload).json()["thread"]["id"]
    body = api_client.get(f"{THREADS}/{thread_id}/messages").json()[0]["body"]
    assert body == payload


def test_read_receipts_only_move_forward(api_client, profile, provider, client_user):
    thread_id = start(api_client, client_user, profile).json()["thread"]["id"]
    newest = send(api_client, provider, thread_id, "Reply").json()["id"]
    api_client.force_authenticate(client_user)
    path = f"{THREADS}/{thread_id}/read"

    assert (
        api_client.post(path, {"up_to": newest}, format="json").json()["last_read_id"]
        == newest
    )
    assert (
        api_client.post(path, {"up_to": 1}, format="json").json()["last_read_id"]
        == newest
    )


def test_wipe_and_retention_delete(api_client, profile, provider, client_user):
    thread_id = start(api_client, client_user, profile).json()["thread"]["id"]
    send(api_client, provider, thread_id, "Reply")
    old = Message.objects.order_by("id").first()
    Message.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - dt.timedelta(days=91)
    )

    assert messages_purge_expired() == 1
    assert messages_purge_expired() == 0
    api_client.force_authenticate(provider)
    assert api_client.delete(f"{THREADS}/{thread_id}").status_code == 204
    assert not Message.objects.exists()


def test_bodies_decrypt_after_a_key_rotation(
    api_client, profile, client_user, settings
):
    thread_id = start(api_client, client_user, profile).json()["thread"]["id"]
    old_key = settings.MESSAGE_ENCRYPTION_KEYS[0]
    new_key = Fernet.generate_key().decode()
    settings.MESSAGE_ENCRYPTION_KEYS = [new_key, old_key]

    assert message_keys_rotate() == 1
    settings.MESSAGE_ENCRYPTION_KEYS = [new_key]  # the old key retired

    token = Message.objects.get().body_encrypted
    assert Fernet(new_key.encode()).decrypt(token.encode()).decode().startswith("Hello")
    assert crypto.decrypt(token).startswith("Hello")
    body = api_client.get(f"{THREADS}/{thread_id}/messages").json()[0]["body"]
    assert body == "Hello, are you free on Friday?"


def test_search_within_my_own_conversations(api_client, profile, berlin, client_user):
    start(api_client, client_user, profile, "Dinner at the opera?")
    other = make_profile("Other", city=berlin)
    stranger = verified_client()
    start(api_client, stranger, other, "Opera tickets for two")

    api_client.force_authenticate(client_user)
    found = api_client.get("/api/v1/messages/search", {"q": "opera"}).json()

    assert [m["body"] for m in found] == ["Dinner at the opera?"]


def test_a_flood_is_throttled_with_retry_after(api_client, profile, client_user):
    thread_id = start(api_client, client_user, profile).json()["thread"]["id"]
    statuses = [send(api_client, client_user, thread_id, f"m{n}") for n in range(25)]

    limited = [r for r in statuses if r.status_code == 429]
    assert limited, [r.status_code for r in statuses]
    assert_error_shape(limited[0], 429)
    assert int(limited[0]["Retry-After"]) > 0
    assert Message.objects.count() == 1 + 25 - len(limited)


def start_with_image(api_client, user, profile):  # noqa: ANN001
    """A thread whose newest message carries an image."""
    thread_id = start(api_client, user, profile).json()["thread"]["id"]
    image = upload(jpeg_with_gps())
    message_send(thread_id=thread_id, sender=user, body="", image=image)


def test_the_thread_list_runs_a_constant_number_of_queries(
    api_client, berlin, client_user, django_assert_max_num_queries
):
    for n in range(2):
        start_with_image(api_client, client_user, make_profile(f"P{n}", city=berlin))
    api_client.force_authenticate(client_user)
    with django_assert_max_num_queries(10) as few:
        assert len(api_client.get(THREADS).json()["results"]) == 2
    # Read now: every later request clears the connection's query log.
    baseline = len(few.captured_queries)
    for n in range(2, 8):
        start_with_image(api_client, client_user, make_profile(f"P{n}", city=berlin))
    api_client.force_authenticate(client_user)
    with django_assert_max_num_queries(baseline):
        assert len(api_client.get(THREADS).json()["results"]) == 8


def test_only_the_conversations_people_hear_of_it(
    api_client, profile, provider, client_user, django_capture_on_commit_callbacks
):
    # Bystanders without an agency: an independent profile's provider side is
    # its owner alone, not "everyone without a membership".
    bystanders = [verified_client(), EscortOwnerFactory()]
    with django_capture_on_commit_callbacks(execute=True):
        thread_id = start(api_client, client_user, profile).json()["thread"]["id"]
    with django_capture_on_commit_callbacks(execute=True):
        send(api_client, provider, thread_id, "Reply")
    Block.objects.create(blocker=bystanders[0], blocked=client_user)

    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [provider.email, client_user.email]
    )
    assert participant_ids(Thread.objects.get(pk=thread_id)) == {
        client_user.pk,
        provider.pk,
    }
    # A block by an unrelated user does not stop this conversation.
    assert send(api_client, client_user, thread_id, "Still here").status_code == 201
