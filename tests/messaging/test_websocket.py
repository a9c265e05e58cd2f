"""Two real WebSocket clients over the real Redis channel layer: live messages,
read receipts, typing; resync after a reconnect; the gate, blocks and forged
frames enforced on the socket too."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accounts.models import Role
from config.asgi import application
from messaging.consumers import CLOSE_BAD_FRAME, CLOSE_UNAUTHENTICATED
from messaging.models import Block, Message, Thread
from messaging.services import message_send, thread_block, thread_wipe
from tests.factories import UserFactory
from tests.factories.images import jpeg_with_gps
from tests.factories.pages import EscortOwnerFactory, make_city, make_profile

# Transactional (the consumer reads the database from its own threads); every
# transactional test restores the migrated baseline (docs/architecture.md).
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ORIGIN = (b"origin", b"http://testserver")
PATH = "/ws/messages/"


def _cookie(user) -> bytes:  # noqa: ANN001
    browser = Client()
    browser.force_login(user)
    name = settings.SESSION_COOKIE_NAME
    return f"{name}={browser.cookies[name].value}".encode()


def _socket(cookie: bytes | None = None) -> WebsocketCommunicator:
    """Cookies come from _cookie() before the event loop: logging in is sync."""
    headers = [ORIGIN] + ([(b"cookie", cookie)] if cookie else [])
    return WebsocketCommunicator(application, PATH, headers=headers)


async def _next(socket: WebsocketCommunicator, seen: list | None = None) -> dict:
    """The next messaging frame; notification frames (badge counts) in between
    are kept in ``seen`` rather than returned."""
    while True:
        frame = await socket.receive_json_from(timeout=5)
        if frame["type"] != "notification":
            return frame
        if seen is not None:
            seen.append(frame)


async def _only_notifications(socket: WebsocketCommunicator, seen: list) -> bool:
    """True when nothing but notification frames arrives for a moment."""
    while not await socket.receive_nothing(timeout=0.3):
        frame = await socket.receive_json_from(timeout=1)
        if frame["type"] != "notification":
            return False
        seen.append(frame)
    return True


@pytest.fixture
def world() -> dict:
    provider = EscortOwnerFactory()
    profile = make_profile(
        "Clara", city=make_city("Berlin", slug="berlin-ws"), owner=provider
    )
    client = UserFactory(role=Role.CLIENT)
    thread = Thread.objects.create(client=client, profile=profile)
    message_send(thread_id=thread.pk, sender=client, body="Hello")
    return {"provider": provider, "client": client, "thread": thread}


def test_two_clients_exchange_messages_receipts_and_typing(world):
    client, provider, thread = world["client"], world["provider"], world["thread"]
    client_cookie, provider_cookie = _cookie(client), _cookie(provider)

    async def scenario() -> dict:
        mine, theirs = _socket(client_cookie), _socket(provider_cookie)
        assert (await mine.connect(timeout=5))[0]
        assert (await theirs.connect(timeout=5))[0]
        await mine.send_json_to(
            {"type": "send", "thread": thread.pk, "body": "Friday?"}
        )
        badges: list = []
        heard = await _next(theirs, badges)
        echoed = await _next(mine)
        await theirs.send_json_to({"type": "typing", "thread": thread.pk})
        typing = await _next(mine)
        await theirs.send_json_to(
            {"type": "read", "thread": thread.pk, "up_to": heard["id"]}
        )
        receipt = await _next(mine)
        # No echo of its own events, only the badge counts moving.
        assert await _only_notifications(theirs, badges)
        await mine.disconnect()
        await theirs.disconnect()
        return {
            "heard": heard,
            "echoed": echoed,
            "typing": typing,
            "receipt": receipt,
            "badges": badges,
        }

    got = async_to_sync(scenario)()
    stored = Message.objects.order_by("id").last()
    assert got["heard"] == {
        "type": "message",
        "id": stored.pk,
        "thread": thread.pk,
        "mine": False,
        "body": "Friday?",
        "attachment": None,
        "created_at": stored.created_at.isoformat(),
        "automatic": False,
    }
    assert got["echoed"]["mine"] is True and got["echoed"]["id"] == stored.pk
    assert got["typing"] == {"type": "typing", "thread": thread.pk}
    assert got["receipt"] == {"type": "read", "thread": thread.pk, "up_to": stored.pk}
    thread.refresh_from_db()
    assert thread.provider_last_read_id == stored.pk
    # The provider's header badge went up with the message and down on reading.
    counts = [frame["unread"]["message"] for frame in got["badges"]]
    assert counts[0] == 1 and counts[-1] == 0


def test_a_reconnecting_client_resyncs_and_misses_nothing(world):
    client, provider, thread = world["client"], world["provider"], world["thread"]
    last_seen = Message.objects.get().pk
    # Offline: two messages arrive while no socket is open.
    for body in ("One", "Two"):
        message_send(thread_id=thread.pk, sender=provider, body=body)
    cookie = _cookie(client)

    async def scenario() -> dict:
        socket = _socket(cookie)
        assert (await socket.connect(timeout=5))[0]
        await database_sync_to_async(message_send)(
            thread_id=thread.pk, sender=provider, body="Three"
        )
        live = await _next(socket)
        await socket.disconnect()
        return live

    live = async_to_sync(scenario)()
    browser = Client()
    browser.force_login(client)
    resync = browser.get(
        f"/api/v1/threads/{thread.pk}/messages", {"after": last_seen}
    ).json()
    assert [m["body"] for m in resync] == ["One", "Two", "Three"]
    assert live["body"] == "Three"


def test_an_image_message_arrives_with_its_protected_url(world):
    client, provider, thread = world["client"], world["provider"], world["thread"]
    cookie = _cookie(client)
    image = SimpleUploadedFile("photo.jpg", jpeg_with_gps(), "image/jpeg")

    async def scenario() -> dict:
        socket = _socket(cookie)
        assert (await socket.connect(timeout=5))[0]
        await database_sync_to_async(message_send)(
            thread_id=thread.pk, sender=provider, body="", image=image
        )
        live = await _next(socket)
        await socket.disconnect()
        return live

    live = async_to_sync(scenario)()
    stored = Message.objects.order_by("id").last()
    assert live["id"] == stored.pk and live["body"] == ""
    assert live["attachment"] == {
        "url": f"/api/v1/threads/{thread.pk}/messages/{stored.pk}/attachment",
        "content_type": "image/jpeg",
        "width": 48,  # the 64 x 48 photo's EXIF rotation is applied to the pixels
        "height": 64,
    }


def test_blocks_and_strangers_are_enforced_on_the_socket(world):
    client, provider, thread = world["client"], world["provider"], world["thread"]
    Block.objects.create(blocker=provider, blocked=client)
    stranger = UserFactory(role=Role.CLIENT)
    blocked_cookie, stranger_cookie = _cookie(client), _cookie(stranger)

    async def scenario() -> tuple[dict, dict]:
        blocked, other = _socket(blocked_cookie), _socket(stranger_cookie)
        assert (await blocked.connect(timeout=5))[0]
        assert (await other.connect(timeout=5))[0]
        await blocked.send_json_to({"type": "send", "thread": thread.pk, "body": "Hi"})
        refused = await _next(blocked)
        await other.send_json_to({"type": "send", "thread": thread.pk, "body": "Hi"})
        hidden = await _next(other)
        await blocked.disconnect()
        await other.disconnect()
        return refused, hidden

    refused, hidden = async_to_sync(scenario)()
    assert refused["code"] == "permission_denied"
    assert refused["message"] == "You cannot send messages in this conversation."
    assert hidden["code"] == "not_found"
    assert Message.objects.count() == 1


def test_forged_frames_and_anonymous_sockets(world):
    cookie = _cookie(world["client"])

    async def scenario() -> tuple:
        anonymous = _socket()
        anonymous_result = await anonymous.connect(timeout=5)
        socket = _socket(cookie)
        assert (await socket.connect(timeout=5))[0]
        await socket.send_to(text_data="not json")
        bad_json = await _next(socket)
        await socket.send_json_to({"type": "shout", "thread": 1})
        unknown = await _next(socket)
        await socket.send_json_to({"type": "send", "thread": world["thread"].pk})
        missing = await _next(socket)
        await socket.send_to(text_data="x" * 20_000)
        closed = await socket.receive_output(timeout=5)
        return anonymous_result, bad_json, unknown, missing, closed

    anonymous_result, bad_json, unknown, missing, closed = async_to_sync(scenario)()
    assert anonymous_result == (False, CLOSE_UNAUTHENTICATED)
    assert bad_json["code"] == unknown["code"] == "bad_frame"
    assert missing["code"] == "validation_error"
    assert closed == {"type": "websocket.close", "code": CLOSE_BAD_FRAME}
    assert Message.objects.count() == 1


def test_both_sides_hear_when_a_conversation_is_wiped_or_blocked(world):
    client, provider, thread = world["client"], world["provider"], world["thread"]
    cookie = _cookie(client)

    async def scenario() -> list[dict]:
        socket = _socket(cookie)
        assert (await socket.connect(timeout=5))[0]
        await database_sync_to_async(thread_wipe)(thread_id=thread.pk, user=provider)
        wiped = await _next(socket)
        await database_sync_to_async(thread_block)(thread_id=thread.pk, user=provider)
        blocked = await _next(socket)
        await socket.disconnect()
        return [wiped, blocked]

    assert async_to_sync(scenario)() == [
        {"type": "thread", "thread": thread.pk, "change": "wiped"},
        {"type": "thread", "thread": thread.pk, "change": "blocked"},
    ]
    assert not Message.objects.filter(thread=thread).exists()


def test_messages_sent_at_once_are_stored_together_and_all_arrive(world, monkeypatch):
    """Sockets of one process that send while a store is running are stored in
    one batch (messaging.consumers.MessageStoreQueue); every message arrives at
    its provider, and a refused one is answered on its own socket only."""
    from messaging import consumers

    pairs = [(world["client"], world["provider"], world["thread"])]
    for number in range(3):
        provider = EscortOwnerFactory()
        profile = make_profile(
            f"Batch {number}", city=world["thread"].profile.home_city, owner=provider
        )
        client = UserFactory(role=Role.CLIENT)
        pairs.append(
            (client, provider, Thread.objects.create(client=client, profile=profile))
        )
    Block.objects.create(blocker=pairs[3][1], blocked=pairs[3][0])
    cookies = [(_cookie(c), _cookie(p)) for c, p, _ in pairs]
    sizes: list[int] = []
    real = consumers.messages_send

    def counted(*, drafts):  # noqa: ANN001, ANN202
        sizes.append(len(drafts))
        return real(drafts=drafts)

    monkeypatch.setattr(consumers, "messages_send", counted)

    async def scenario() -> list[dict]:
        sockets = [(_socket(c), _socket(p)) for c, p in cookies]
        for mine, theirs in sockets:
            assert (await mine.connect(timeout=5))[0]
            assert (await theirs.connect(timeout=5))[0]
        for (mine, _), (_, _, thread) in zip(sockets, pairs, strict=True):
            await mine.send_json_to(
                {"type": "send", "thread": thread.pk, "body": f"At once {thread.pk}"}
            )
        heard = [await _next(theirs) for _, theirs in sockets[:3]]
        refusal = await _next(sockets[3][0])
        assert await sockets[3][1].receive_nothing(timeout=0.3)
        for mine, theirs in sockets:
            await mine.disconnect()
            await theirs.disconnect()
        return [*heard, refusal]

    *heard, refusal = async_to_sync(scenario)()
    assert [frame["body"] for frame in heard] == [
        f"At once {thread.pk}" for _, _, thread in pairs[:3]
    ]
    assert refusal == {
        "type": "error",
        "code": "permission_denied",
        "message": "You cannot send messages in this conversation.",
        "fields": {},
    }
    assert max(sizes) > 1 and sum(sizes) == 4
    assert not Message.objects.filter(thread=pairs[3][2]).exists()
