"""App clients open sockets with a one-time ticket: it works once, for 60
seconds, for an active account whose session is still signed in, and a forged
one opens nothing."""

from __future__ import annotations

import time

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.contrib.sessions.models import Session

from accounts.models import Role, User
from accounts.socket_tickets import socket_ticket_issue
from config.asgi import application
from core.consumers import CLOSE_UNAUTHENTICATED
from tests.assertions import assert_error_shape
from tests.factories import PASSWORD, UserFactory
from tests.sessions import signed_in_session_key

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
JSON = {"content_type": "application/json"}


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


def _app_login(client, user) -> str:  # noqa: ANN001
    """Sign in as an app client; its X-Session-Token."""
    login = client.post(
        "/_allauth/app/v1/auth/login",
        {"email": user.email, "password": PASSWORD},
        **JSON,
    )
    assert login.status_code == 200, login.content
    return login.json()["meta"]["session_token"]


def _issue(user: User) -> str:
    """A ticket tied to a fresh signed-in session of ``user``."""
    return socket_ticket_issue(user=user, session_key=signed_in_session_key(user))


def test_an_api_client_opens_a_socket_with_a_ticket_once(client):
    user = UserFactory(role=Role.CLIENT, email="app@example.com")
    token = _app_login(client, user)
    response = client.post("/api/v1/me/socket-ticket", HTTP_X_SESSION_TOKEN=token)
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
    expired = _issue(user)
    monkeypatch.setattr(time, "time", real_time)
    assert _open(expired) == (False, CLOSE_UNAUTHENTICATED)

    forged = _issue(user)[:-3] + "abc"
    assert _open(forged) == (False, CLOSE_UNAUTHENTICATED)
    assert _open("x" * 600) == (False, CLOSE_UNAUTHENTICATED)

    suspended = _issue(user)
    user.is_suspended = True
    user.save(update_fields=["is_suspended"])
    assert _open(suspended) == (False, CLOSE_UNAUTHENTICATED)


def test_tickets_need_a_signed_in_caller(api_client):
    assert_error_shape(api_client.post("/api/v1/me/socket-ticket"), 401)


def test_a_ticket_from_an_app_session_opens_nothing_after_that_session_ends(client):
    user = UserFactory(role=Role.CLIENT, email="app@example.com")
    token = _app_login(client, user)
    auth = {"HTTP_X_SESSION_TOKEN": token}
    ticket = client.post("/api/v1/me/socket-ticket", **auth).json()["ticket"]
    # The app signs out: allauth ends the session behind the token.
    assert client.delete("/_allauth/app/v1/auth/session", **auth).status_code == 401
    assert client.get("/api/v1/me", **auth).status_code == 401

    assert _open(ticket) == (False, CLOSE_UNAUTHENTICATED)


def test_a_ticket_from_a_browser_session_opens_nothing_after_logout(client):
    user = UserFactory(role=Role.CLIENT, email="web@example.com")
    client.force_login(user)
    response = client.post("/api/v1/me/socket-ticket")
    assert response.status_code == 201
    ticket = response.json()["ticket"]
    other = client.post("/api/v1/me/socket-ticket").json()["ticket"]
    client.post("/accounts/logout/")
    # Only an anonymous session may remain: it carries the "signed out" notice
    # (flash messages live in the session, docs/consents-and-cookies.md).
    assert not [s for s in Session.objects.all() if "_auth_user_id" in s.get_decoded()]

    assert _open(ticket) == (False, CLOSE_UNAUTHENTICATED)
    # A session that is still signed in keeps its tickets working.
    client.force_login(user)
    fresh = client.post("/api/v1/me/socket-ticket").json()["ticket"]
    assert _open(fresh)[0] is True
    assert _open(other) == (False, CLOSE_UNAUTHENTICATED)


def test_a_ticket_opens_nothing_after_the_user_changed_password():
    user = UserFactory(role=Role.CLIENT)
    ticket = _issue(user)
    user.set_password("another-long-password-42")
    user.save()
    assert _open(ticket) == (False, CLOSE_UNAUTHENTICATED)


def test_a_caller_without_a_session_gets_no_ticket(api_client):
    # force_authenticate signs in without any session to tie the ticket to.
    api_client.force_authenticate(UserFactory(role=Role.CLIENT))
    assert_error_shape(api_client.post("/api/v1/me/socket-ticket"), 403)
