"""A suspension ends every session of its user through allauth's user
sessions (browser cookies and app tokens), reading that user's rows only;
other users stay signed in; sessions signed in before tracking got their row
from the backfill migration; and an open socket of the user closes (4403)."""

from __future__ import annotations

import importlib

import pytest
from allauth.usersessions.models import UserSession
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.apps import apps
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.test import Client

from accounts.models import Role
from config.asgi import application
from core.consumers import CLOSE_ACCOUNT_CLOSED
from moderation.decisions import decision_take
from tests.factories import PASSWORD, UserFactory
from tests.moderation.decision_world import in_days, moderator

JSON = {"content_type": "application/json"}


def _suspend(user, mod):  # noqa: ANN001, ANN202
    return decision_take(
        actor=mod,
        report=None,
        action="suspend",
        reason_code="spam",
        affected_user=user,
        suspend_until=in_days(3),
    )


@pytest.mark.django_db
def test_both_browsers_and_the_app_of_a_suspended_user_are_signed_out():
    user = UserFactory(role=Role.CLIENT, email="twice@example.com")
    bystander = UserFactory(role=Role.CLIENT)
    mod = moderator()
    laptop, phone, theirs = Client(), Client(), Client()
    laptop.force_login(user)
    phone.force_login(user)
    theirs.force_login(bystander)
    login = Client().post(
        "/_allauth/app/v1/auth/login",
        {"email": user.email, "password": PASSWORD},
        **JSON,
    )
    assert login.status_code == 200, login.content
    token = login.json()["meta"]["session_token"]
    app = {"HTTP_X_SESSION_TOKEN": token}
    assert Client().get("/api/v1/me", **app).status_code == 200
    # Every sign-in, whichever path, recorded its session.
    assert UserSession.objects.filter(user=user).count() == 3
    for browser in (laptop, phone, theirs):
        assert browser.get("/api/v1/me").status_code == 200

    _suspend(user, mod)

    assert laptop.get("/api/v1/me").status_code == 401
    assert phone.get("/api/v1/me").status_code == 401
    assert Client().get("/api/v1/me", **app).status_code == 401
    assert not UserSession.objects.filter(user=user).exists()
    # The bystander is untouched, session and row.
    assert theirs.get("/api/v1/me").status_code == 200
    assert UserSession.objects.filter(user=bystander).count() == 1
    assert Session.objects.filter(
        session_key=theirs.cookies[settings.SESSION_COOKIE_NAME].value
    ).exists()


@pytest.mark.django_db
def test_ending_sessions_reads_the_users_rows_not_the_session_table(
    django_assert_num_queries,
):
    from accounts.sessions import user_sessions_end

    user = UserFactory(role=Role.CLIENT)
    others = [UserFactory(role=Role.CLIENT) for _ in range(3)]
    for person in [user, user, *others]:
        Client().force_login(person)
    with django_assert_num_queries(3):  # the keys, the sessions, the rows
        assert user_sessions_end(user=user) == 2
    assert Session.objects.count() == 3


@pytest.mark.django_db
def test_sessions_signed_in_before_tracking_get_their_row_from_the_backfill():
    user = UserFactory(role=Role.CLIENT)
    old = SessionStore()  # as a sign-in before allauth.usersessions left it
    old[SESSION_KEY] = str(user.pk)
    old[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    old.create()
    anonymous = SessionStore()
    anonymous["cart"] = 1
    anonymous.create()
    migration = importlib.import_module(
        "accounts.migrations.0005_usersessions_backfill"
    )
    migration.backfill(apps, None)
    migration.backfill(apps, None)  # twice: nothing doubled
    rows = UserSession.objects.filter(session_key=old.session_key)
    assert [r.user_id for r in rows] == [user.pk]
    assert not UserSession.objects.filter(session_key=anonymous.session_key).exists()

    _suspend(user, moderator())
    assert not Session.objects.filter(session_key=old.session_key).exists()
    assert Session.objects.filter(session_key=anonymous.session_key).exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_open_socket_of_the_user_closes_on_suspension():
    user = UserFactory(role=Role.CLIENT)
    mod = moderator()
    browser = Client()
    browser.force_login(user)
    name = settings.SESSION_COOKIE_NAME
    cookie = f"{name}={browser.cookies[name].value}".encode()
    socket = WebsocketCommunicator(
        application,
        "/ws/messages/",
        headers=[(b"origin", b"http://testserver"), (b"cookie", cookie)],
    )

    async def scenario() -> dict:
        assert (await socket.connect(timeout=5))[0]
        await database_sync_to_async(_suspend)(user, mod)
        while True:  # skip notices (the statement) until the close
            message = await socket.receive_output(timeout=5)
            if message["type"] == "websocket.close":
                return message

    closed = async_to_sync(scenario)()
    assert closed["code"] == CLOSE_ACCOUNT_CLOSED == 4403
