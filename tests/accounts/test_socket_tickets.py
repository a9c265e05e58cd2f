"""App clients open sockets with a one-time ticket: it works once, for 60
seconds, for an active account, and a forged one opens nothing."""

from __future__ import annotations

import time

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator

from accounts.models import Role
from accounts.socket_tickets import socket_ticket_issue
from config.asgi import application
from core.consumers import CLOSE_UNAUTHENTICATED
from tests.assertions import assert_error_shape
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _open(ticket: str) -> tuple[bool, object]:
    """Connect to the echo socket with a ticket and no cookie; echo once."""

    async def scenario() -> tuple[bool, object]:
        socket = WebsocketCommunicator(
            application,
            f"/ws/echo/?ticket={ticket}",
            headers=[(b"origin", b"http://testserver")],
        )
        connected, code = await socket.connect(timeout=5)
        if not connected:
            return False, code
        await socket.send_json_to({"ping": 1})
        echoed = await socket.receive_json_from(timeout=5)
        await socket.disconnect()
        return True, echoed

    return async_to_sync(scenario)()


def test_an_api_client_opens_a_socket_with_a_ticket_once(api_client):
    user = UserFactory(role=Role.CLIENT, email="app@example.com")
    api_client.force_authenticate(user)
    response = api_client.post("/api/v1/me/socket-ticket")
    assert response.status_code == 201
    assert response.json()["expires_in"] == 60
    ticket = response.json()["ticket"]

    connected, echoed = _open(ticket)
    assert connected
    assert echoed == {"type": "echo", "user": "app@example.com", "payload": {"ping": 1}}
    # Replayed: refused.
    assert _open(ticket) == (False, CLOSE_UNAUTHENTICATED)


def test_expired_forged_and_suspended_tickets_open_nothing(monkeypatch):
    user = UserFactory(role=Role.CLIENT)
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() - 61)
    expired = socket_ticket_issue(user=user)
    monkeypatch.setattr(time, "time", real_time)
    assert _open(expired) == (False, CLOSE_UNAUTHENTICATED)

    forged = socket_ticket_issue(user=user)[:-3] + "abc"
    assert _open(forged) == (False, CLOSE_UNAUTHENTICATED)
    assert _open("x" * 600) == (False, CLOSE_UNAUTHENTICATED)

    suspended = socket_ticket_issue(user=user)
    user.is_suspended = True
    user.save(update_fields=["is_suspended"])
    assert _open(suspended) == (False, CLOSE_UNAUTHENTICATED)


def test_tickets_need_a_signed_in_caller(api_client):
    assert_error_shape(api_client.post("/api/v1/me/socket-ticket"), 401)
