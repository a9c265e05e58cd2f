"""A notice reaches the user's open sockets over the real Redis channel layer,
with the fresh unread counts, and nobody else's."""

from __future__ import annotations

import asyncio

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

from accounts.models import Role
from config.asgi import application
from notifications.models import Kind
from notifications.services import notify
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _socket(user) -> WebsocketCommunicator:  # noqa: ANN001
    browser = Client()
    browser.force_login(user)
    name = settings.SESSION_COOKIE_NAME
    cookie = f"{name}={browser.cookies[name].value}"
    headers = [(b"origin", b"http://testserver"), (b"cookie", cookie.encode())]
    return WebsocketCommunicator(application, "/ws/messages/", headers=headers)


def test_a_notice_is_pushed_to_its_recipient_only():
    reader, bystander = UserFactory(role=Role.CLIENT), UserFactory(role=Role.CLIENT)
    mine, theirs = _socket(reader), _socket(bystander)

    async def scenario() -> tuple[dict, bool]:
        assert (await mine.connect(timeout=5))[0]
        assert (await theirs.connect(timeout=5))[0]
        await database_sync_to_async(notify)(
            recipient=reader,
            kind=Kind.PROFILE_REVIEW,
            title="Your profile changes are live",
            url="/dashboard/",
        )
        heard = await mine.receive_json_from(timeout=5)
        await asyncio.sleep(0.3)
        silent = await theirs.receive_nothing(timeout=0.5)
        await mine.disconnect()
        await theirs.disconnect()
        return heard, silent

    heard, silent = async_to_sync(scenario)()
    assert heard["type"] == "notification"
    assert heard["title"] == "Your profile changes are live"
    assert heard["url"] == "/dashboard/"
    assert heard["unread"]["profile_review"] == 1 and heard["unread"]["total"] == 1
    assert silent
