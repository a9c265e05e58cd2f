"""The messaging pages: inbox with unread markers in constant queries, a
conversation's page (404 for strangers, escaped bodies, send, read position,
block, wipe), the first message to a profile, and CSRF on every form."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from core import crypto
from messaging.models import Block, Message, Thread
from messaging.services import message_send
from notifications.selectors import badges_key
from tests.factories import UserFactory
from tests.factories.pages import EscortOwnerFactory, make_city, make_profile

pytestmark = pytest.mark.django_db


@pytest.fixture
def provider():
    return EscortOwnerFactory(display_name="Provider")


@pytest.fixture
def profile(provider):
    return make_profile(
        "Clara", city=make_city("Berlin", slug="berlin-pages"), owner=provider
    )


@pytest.fixture
def customer():
    return UserFactory(role=Role.CLIENT, display_name="Max")


@pytest.fixture
def thread(customer, profile):
    thread = Thread.objects.create(client=customer, profile=profile)
    message_send(thread_id=thread.pk, sender=customer, body="Hello Clara")
    return thread


def _as(user) -> Client:  # noqa: ANN001
    browser = Client()
    browser.force_login(user)
    return browser


def _url(thread: Thread, suffix: str = "") -> str:
    return f"/messages/{thread.pk}/{suffix}"


# --- Inbox ---------------------------------------------------------------------


def test_inbox_lists_only_my_threads_with_the_other_sides_name(
    customer, provider, profile, thread
):
    stranger = UserFactory(role=Role.CLIENT, display_name="Zed")
    other_thread = Thread.objects.create(client=stranger, profile=profile)

    mine = _as(customer).get("/messages/")
    theirs = _as(provider).get("/messages/")
    nothing = _as(UserFactory(role=Role.CLIENT)).get("/messages/")

    assert mine.status_code == 200
    assert [row.thread.pk for row in mine.context["rows"]] == [thread.pk]
    assert mine.context["rows"][0].other == "Clara"
    by_thread = {row.thread.pk: row.other for row in theirs.context["rows"]}
    assert by_thread == {thread.pk: "Max", other_thread.pk: "Zed"}
    assert nothing.context["rows"] == []
    assert f'data-thread="{other_thread.pk}"' not in mine.content.decode()


def test_inbox_marks_threads_with_messages_newer_than_my_read_position(
    customer, provider, thread
):
    rows = _as(provider).get("/messages/").context["rows"]
    assert [row.unread for row in rows] == [True]
    # The sender's own message never counts as unread for them.
    assert [row.unread for row in _as(customer).get("/messages/").context["rows"]] == [
        False
    ]

    message_send(thread_id=thread.pk, sender=provider, body="Hi Max")
    page = _as(customer).get("/messages/")
    assert [row.unread for row in page.context["rows"]] == [True]
    assert "thread-item--unread" in page.content.decode()
    assert [row.unread for row in _as(provider).get("/messages/").context["rows"]] == [
        False
    ]


def test_inbox_needs_a_login():
    response = Client().get("/messages/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def _inbox_queries(provider, profile, count: int) -> int:  # noqa: ANN001
    for _ in range(count):
        client = UserFactory(role=Role.CLIENT)
        thread = Thread.objects.create(client=client, profile=profile)
        message_send(thread_id=thread.pk, sender=client, body="Hi")
    browser = _as(provider)
    browser.get("/messages/")  # warm: site settings are cached per process
    cache.delete(badges_key(provider.pk))  # both measures pay the header badges
    with CaptureQueriesContext(connection) as queries:
        response = browser.get("/messages/")
    assert len(response.context["rows"]) == Thread.objects.count()
    Thread.objects.all().delete()
    return len(queries)


def test_inbox_query_count_does_not_grow_with_threads(provider, profile):
    two = _inbox_queries(provider, profile, 2)
    eight = _inbox_queries(provider, profile, 8)
    assert two == eight
    assert eight <= 12


# --- One conversation ------------------------------------------------------------


def test_a_stranger_gets_404_for_every_conversation_url(thread):
    stranger = _as(UserFactory(role=Role.CLIENT))
    assert stranger.get(_url(thread)).status_code == 404
    assert stranger.post(_url(thread), {"body": "hi"}).status_code == 404
    assert stranger.post(_url(thread, "block/")).status_code == 404
    assert stranger.post(_url(thread, "delete/"), {"confirm": "yes"}).status_code == 404
    assert Message.objects.filter(thread=thread).count() == 1
    assert not Block.objects.exists()


def test_sending_stores_an_encrypted_message_and_shows_it_escaped(customer, thread):
    browser = _as(customer)
    text = "<script>alert(1)</script>\nsecond line"

    response = browser.post(_url(thread), {"body": text})

    assert response.status_code == 302
    assert response["Location"] == _url(thread)
    assert Message.objects.filter(thread=thread).count() == 2
    stored = Message.objects.filter(thread=thread).last()
    assert "script" not in stored.body_encrypted
    assert crypto.decrypt(stored.body_encrypted) == text
    page = browser.get(_url(thread)).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;<br>second line" in page
    assert "<script>alert(1)" not in page


def test_an_empty_message_is_400_with_the_reason_and_nothing_stored(customer, thread):
    response = _as(customer).post(_url(thread), {"body": "   "})
    assert response.status_code == 400
    assert "Write a message." in response.content.decode()
    assert Message.objects.filter(thread=thread).count() == 1


def test_posting_without_a_csrf_token_is_refused(customer, thread):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(customer)
    assert browser.post(_url(thread), {"body": "Hi"}).status_code == 403
    assert browser.post(_url(thread, "delete/"), {"confirm": "yes"}).status_code == 403
    assert Message.objects.filter(thread=thread).count() == 1


def test_opening_the_page_marks_the_conversation_read(customer, provider, thread):
    reply = message_send(thread_id=thread.pk, sender=provider, body="Hi Max")
    thread.refresh_from_db()
    assert thread.client_last_read_id < reply.pk

    response = _as(customer).get(_url(thread))

    assert response.status_code == 200
    thread.refresh_from_db()
    assert thread.client_last_read_id == reply.pk
    page = response.content.decode()
    assert f'data-thread="{thread.pk}"' in page
    assert f'data-last-id="{reply.pk}"' in page
    assert "js/messages.js" in page


def test_block_stops_further_messages(customer, provider, thread):
    response = _as(provider).post(_url(thread, "block/"))
    assert response.status_code == 302
    assert Block.objects.filter(blocker=provider, blocked=customer).exists()

    refused = _as(customer).post(_url(thread), {"body": "Still there?"})
    assert refused.status_code == 403
    assert "You cannot send messages in this conversation." in refused.content.decode()
    assert Message.objects.filter(thread=thread).count() == 1


def test_wipe_needs_the_confirmation_then_deletes_for_both(customer, provider, thread):
    browser = _as(customer)
    unconfirmed = browser.post(_url(thread, "delete/"))
    assert unconfirmed.status_code == 400
    assert Message.objects.filter(thread=thread).count() == 1

    response = browser.post(_url(thread, "delete/"), {"confirm": "yes"})

    assert response.status_code == 302
    assert response["Location"] == "/messages/"
    assert not Message.objects.filter(thread=thread).exists()
    assert _as(provider).get(_url(thread)).context["rows"] == []


# --- First message ----------------------------------------------------------------


def test_start_shows_a_form_then_opens_the_conversation(customer, profile):
    browser = _as(customer)
    form = browser.get(f"/messages/start/{profile.pk}/")
    assert form.status_code == 200
    assert "Message Clara" in form.content.decode()

    response = browser.post(f"/messages/start/{profile.pk}/", {"body": "Hello!"})

    thread = Thread.objects.get(client=customer, profile=profile)
    assert response.status_code == 302
    assert response["Location"] == _url(thread)
    assert [crypto.decrypt(m.body_encrypted) for m in thread.messages.all()] == [
        "Hello!"
    ]


def test_start_errors_keep_their_status_and_write_nothing(provider, profile):
    unverified = UserFactory(role=Role.CLIENT, verified_email=False)
    refused = _as(unverified).post(
        f"/messages/start/{profile.pk}/", {"body": "Kept draft 42"}
    )
    assert refused.status_code == 403
    assert "Verify your email address" in refused.content.decode()
    assert "Kept draft 42" in refused.content.decode()  # what they wrote is kept

    own = _as(provider).post(f"/messages/start/{profile.pk}/", {"body": "Hi"})
    assert own.status_code == 403
    assert _as(provider).get("/messages/start/999999/").status_code == 404
    assert not Thread.objects.exists()
    assert not Message.objects.exists()
