"""The fan-out of a socket's message (bench/messaging.py, issue 12): stored and
committed first (invariant 6), the events handed back to the consumer instead of
sent by the database thread, to the participants read once; the store's query
count does not grow with the conversation; the async send keeps order and its
best-effort breaker."""

from __future__ import annotations

import asyncio
from unittest import mock

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from accounts.models import Role
from core import crypto, realtime
from directory.models import Agency, AgencyMembership
from messaging.away import away_reply_set
from messaging.fanout import fanout_deferred
from messaging.models import Message, Thread
from messaging.services import message_send
from tests.factories import UserFactory
from tests.factories.pages import EscortOwnerFactory, make_city, make_profile

pytestmark = pytest.mark.django_db


@pytest.fixture
def provider():
    return EscortOwnerFactory()


@pytest.fixture
def client_user():
    return UserFactory(role=Role.CLIENT)


@pytest.fixture
def thread(provider, client_user):
    profile = make_profile(
        "Mira", city=make_city("Lyon", slug="lyon-fan"), owner=provider
    )
    return Thread.objects.create(client=client_user, profile=profile)


def _send_deferred(capture, **kwargs) -> tuple[list, list]:  # noqa: ANN001
    """(events collected before commit, events collected after commit)."""
    with fanout_deferred() as sends:
        with capture(execute=True) as callbacks:
            message_send(**kwargs)
            before = list(sends)
        assert callbacks  # the fan-out waited for the commit
    return before, sends


def test_events_are_collected_after_commit_not_sent(
    thread, client_user, provider, django_capture_on_commit_callbacks
):
    with mock.patch("messaging.fanout.user_send") as direct:
        before, sends = _send_deferred(
            django_capture_on_commit_callbacks,
            thread_id=thread.pk,
            sender=client_user,
            body="Bonjour",
        )

    assert before == []  # nothing leaves before the message is committed
    direct.assert_not_called()  # the database thread sends nothing itself
    message = Message.objects.get(thread=thread)
    assert [user_id for user_id, _ in sends] == sorted([client_user.pk, provider.pk])
    event = sends[0][1]
    assert event["id"] == message.pk
    assert event["sender"] == client_user.pk
    assert crypto.decrypt(event["token"]) == "Bonjour"
    assert "Bonjour" not in str(event)  # the layer carries the token only
    assert event["created_at"] == message.created_at.isoformat()


def test_outside_a_socket_the_commit_sends_directly(
    thread, client_user, provider, django_capture_on_commit_callbacks
):
    with (
        mock.patch("messaging.fanout.user_send") as direct,
        django_capture_on_commit_callbacks(execute=True),
    ):
        message_send(thread_id=thread.pk, sender=client_user, body="Hi")

    assert sorted(call.args[0] for call in direct.call_args_list) == sorted(
        [client_user.pk, provider.pk]
    )


def test_the_away_reply_follows_the_message_to_every_participant(
    thread, client_user, provider, django_capture_on_commit_callbacks
):
    manager = UserFactory(role=Role.ESCORT)
    agency = Agency.objects.create(name="Maison", slug="maison-fan")
    AgencyMembership.objects.create(agency=agency, user=manager)
    thread.profile.agency = agency
    thread.profile.save()
    away_reply_set(
        actor=provider, profile_id=thread.profile_id, enabled=True, message="Away"
    )

    _, sends = _send_deferred(
        django_capture_on_commit_callbacks,
        thread_id=thread.pk,
        sender=client_user,
        body="Anyone?",
    )

    people = sorted([client_user.pk, provider.pk, manager.pk])
    bodies = [(uid, crypto.decrypt(e["token"]), e["automatic"]) for uid, e in sends]
    assert bodies == [(uid, "Anyone?", False) for uid in people] + [
        (uid, "Away", True) for uid in people
    ]


def test_a_message_costs_the_same_queries_however_long_the_thread(
    thread, client_user, provider, django_assert_max_num_queries
):
    message_send(thread_id=thread.pk, sender=client_user, body="first")
    message_send(thread_id=thread.pk, sender=provider, body="answer")
    # Lock and scoped read (one), providers, blocks, first-contact check,
    # message, thread, outbox entry, and the savepoint around them.
    for number in range(3):
        with django_assert_max_num_queries(9):
            message_send(thread_id=thread.pk, sender=client_user, body=f"m{number}")
    assert Message.objects.filter(thread=thread).count() == 5


def test_someone_elses_thread_is_refused_before_anything_is_collected(
    thread, django_capture_on_commit_callbacks
):
    from core.exceptions import NotFound

    stranger = UserFactory(role=Role.CLIENT)
    with fanout_deferred() as sends, pytest.raises(NotFound):
        message_send(thread_id=thread.pk, sender=stranger, body="Hello")
    assert sends == []
    assert not Message.objects.filter(thread=thread).exists()


async def _round_trip(layer, sends: list) -> tuple[int, list]:  # noqa: ANN001
    """users_send to user 4242's group, and what one channel of it received."""
    channel = await layer.new_channel()
    await layer.group_add(realtime.user_group(4242), channel)
    try:
        sent = await realtime.users_send(sends)
        received = [(await layer.receive(channel))["n"] for _ in range(sent)]
    finally:
        await layer.group_discard(realtime.user_group(4242), channel)
    return sent, received


def test_users_send_delivers_in_order_and_pauses_after_a_failure():
    layer = get_channel_layer()
    sends = [(4242, {"type": "x", "n": 1}), (4242, {"type": "x", "n": 2})]
    assert async_to_sync(_round_trip)(layer, sends) == (2, [1, 2])

    realtime._paused_until.clear()
    with mock.patch.object(layer, "group_send", side_effect=ConnectionError):
        assert async_to_sync(realtime.users_send)([(1, {"type": "x"})] * 3) == 0
        assert layer.group_send.call_count == 1  # the breaker stops the rest
    assert async_to_sync(realtime.users_send)([(1, {"type": "x"})]) == 0  # paused
    realtime._paused_until.clear()


def test_a_send_from_an_event_loop_thread_does_not_pause_the_layer():
    """Sync code on a thread that runs an event loop (a test's browser driver)
    cannot send; that must not pause everyone's sends as a Redis failure does."""
    layer = get_channel_layer()
    realtime._paused_until.clear()

    async def sync_call_on_the_loop() -> bool:
        return realtime.user_send(4242, {"type": "x", "n": 0})

    assert asyncio.run(sync_call_on_the_loop()) is False
    assert not realtime._paused(layer)
    sends = [(4242, {"type": "x", "n": 1})]
    assert async_to_sync(_round_trip)(layer, sends) == (1, [1])
