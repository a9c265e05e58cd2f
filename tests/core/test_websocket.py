"""An authenticated WebSocket echo that goes through the real Redis channel layer."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

from config.asgi import application
from core.consumers import CLOSE_UNAUTHENTICATED
from tests.factories import UserFactory

# Every transactional test here restores the migrated baseline (serialized_rollback):
# a plain flush would recreate content types under new ids and break the next
# serialized test's restore (see docs/architecture.md).
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ORIGIN = (b"origin", b"http://testserver")


def _session_cookie(user) -> bytes:  # noqa: ANN001
    browser = Client()
    browser.force_login(user)
    name = settings.SESSION_COOKIE_NAME
    return f"{name}={browser.cookies[name].value}".encode()


def test_channel_layer_is_redis():
    backend = settings.CHANNEL_LAYERS["default"]["BACKEND"]
    assert backend == "channels_redis.pubsub.RedisPubSubChannelLayer"


def test_echo_fans_out_through_the_channel_layer():
    user = UserFactory()
    cookie = _session_cookie(user)

    async def scenario() -> tuple[dict, dict]:
        first = WebsocketCommunicator(
            application, "/ws/echo/", headers=[(b"cookie", cookie), ORIGIN]
        )
        second = WebsocketCommunicator(
            application, "/ws/echo/", headers=[(b"cookie", cookie), ORIGIN]
        )
        assert (await first.connect(timeout=5))[0]
        assert (await second.connect(timeout=5))[0]
        await first.send_json_to({"hello": "world"})
        # The second socket never sent anything: it can only hear this via Redis.
        heard = await second.receive_json_from(timeout=5)
        echoed = await first.receive_json_from(timeout=5)
        await first.disconnect()
        await second.disconnect()
        return heard, echoed

    heard, echoed = async_to_sync(scenario)()
    expected = {"type": "echo", "user": user.email, "payload": {"hello": "world"}}
    assert heard == expected
    assert echoed == expected


def test_unauthenticated_socket_is_closed_with_a_code():
    async def scenario() -> tuple[bool, int]:
        socket = WebsocketCommunicator(application, "/ws/echo/", headers=[ORIGIN])
        connected, code = await socket.connect(timeout=5)
        return connected, code

    connected, code = async_to_sync(scenario)()
    assert connected is False
    assert code == CLOSE_UNAUTHENTICATED


def test_foreign_origin_is_refused():
    user = UserFactory()
    cookie = _session_cookie(user)

    async def scenario() -> bool:
        socket = WebsocketCommunicator(
            application,
            "/ws/echo/",
            headers=[(b"cookie", cookie), (b"origin", b"https://evil.example")],
        )
        connected, _ = await socket.connect(timeout=5)
        return connected

    assert async_to_sync(scenario)() is False


def test_oversized_frame_closes_the_socket():
    user = UserFactory()
    cookie = _session_cookie(user)

    async def scenario() -> dict:
        socket = WebsocketCommunicator(
            application, "/ws/echo/", headers=[(b"cookie", cookie), ORIGIN]
        )
        assert (await socket.connect(timeout=5))[0]
        await socket.send_to(text_data="x" * 10_000)
        return await socket.receive_output(timeout=5)

    message = async_to_sync(scenario)()
    assert message["type"] == "websocket.close"
    assert message["code"] == 4400
