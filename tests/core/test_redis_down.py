"""Issue 10, findings 4 and 5: with Redis unreachable the site keeps serving
reads and most writes, records every side effect in PostgreSQL, and recovers
without a restart; the sweep then delivers what is pending, exactly once.

Redis is "down" by pointing the cache, the channel layer and the Celery broker
at a closed loopback port (the machine's Redis server is shared: never stop it).
"""

from __future__ import annotations

import time

import pytest
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.test import override_settings
from django.utils import timezone

from messaging.models import Message, Thread
from notifications.models import EmailDelivery, Notification
from tests.assertions import assert_error_shape
from tests.factories import PASSWORD, UserFactory
from tests.factories.pages import EscortOwnerFactory
from tests.factories.search import live_city, live_profile
from tests.outage import CLOSED, Outage
from tests.sessions import signed_in_session_key

pytestmark = pytest.mark.django_db

NOTICE_TASK = "messaging.tasks.notify_new_message"


@pytest.fixture
def redis_down():
    outage = Outage()
    outage.start()
    yield outage
    outage.end()


@pytest.fixture
def world():
    berlin = live_city("Berlin", slug="berlin-down")
    provider = EscortOwnerFactory()
    profile = live_profile("Clara", city=berlin, owner=provider)
    return {"city": berlin, "profile": profile, "provider": provider}


def _timed_get(client, path: str, **params):  # noqa: ANN001, ANN003, ANN202
    started = time.monotonic()
    response = client.get(path, params)
    return response, time.monotonic() - started


def test_pages_search_api_and_login_answer_200_with_redis_down(
    client, api_client, world, redis_down
):
    city, profile = world["city"], world["profile"]
    pages = ["/", city.url, profile.url, "/search/", "/sitemap.xml"]
    for path in pages:
        response, seconds = _timed_get(client, path)
        assert response.status_code == 200, (path, response.status_code)
        # The breaker skips Redis after the first failure: no page waits on it.
        assert seconds < 3, (path, seconds)
    assert profile.title in client.get(city.url).content.decode()

    search = api_client.get("/api/v1/search", {"q": "Clara"}).json()
    assert [row["display_name"] for row in search["results"]] == ["Clara"]
    assert search["facets"]["total"] == 1  # computed uncached
    assert api_client.get("/api/v1/cities").status_code == 200
    escort = api_client.get(f"/api/v1/escorts/{profile.pk}")
    assert escort.status_code == 200
    assert escort.json()["display_name"] == "Clara"

    user = UserFactory()
    login = client.post(
        "/_allauth/app/v1/auth/login",
        {"email": user.email, "password": PASSWORD},
        content_type="application/json",
    )
    assert login.status_code == 200, login.content
    token = login.json()["meta"]["session_token"]
    me = client.get("/api/v1/me", HTTP_X_SESSION_TOKEN=token)
    assert me.status_code == 200
    assert me.json()["email"] == user.email

    redis_down.end()  # Redis is back, same process: the cache is used again
    assert client.get("/search/").status_code == 200
    cache.set("probe", "back")
    assert cache.get("probe") == "back"


def test_a_write_that_needs_redis_answers_503_in_the_error_shape(
    api_client, redis_down
):
    # A real session: a ticket is tied to the session that asks for it.
    api_client.force_login(UserFactory())
    response = api_client.post("/api/v1/me/socket-ticket")
    error = assert_error_shape(response, 503, "service_unavailable")
    assert error["fields"] == {}
    redis_down.end()
    assert api_client.post("/api/v1/me/socket-ticket").status_code == 201


def test_a_socket_ticket_cannot_be_replayed_while_the_cache_is_down():
    from accounts.socket_tickets import socket_ticket_issue, socket_ticket_redeem

    user = UserFactory()
    ticket = socket_ticket_issue(user=user, session_key=signed_in_session_key(user))
    closed = {
        **settings.CACHES,
        "default": {**settings.CACHES["default"], "LOCATION": CLOSED},
    }
    with override_settings(CACHES=closed):
        # The cache's add() fails open ("added"); the claim must not.
        assert socket_ticket_redeem(ticket=ticket) is None
    assert socket_ticket_redeem(ticket=ticket) == user
    assert socket_ticket_redeem(ticket=ticket) is None


def test_a_message_sent_with_the_broker_down_is_saved_with_its_pending_notice(
    api_client, world, redis_down, django_capture_on_commit_callbacks
):
    client_user = UserFactory(display_name="Max")
    api_client.force_authenticate(client_user)
    with django_capture_on_commit_callbacks(execute=True):
        started = api_client.post(
            "/api/v1/threads",
            {"profile": world["profile"].pk, "body": "Free on Friday?"},
            format="json",
        )
    assert started.status_code == 201, started.content
    thread = Thread.objects.get(client=client_user)
    assert Message.objects.filter(thread=thread).count() == 1
    # Nothing reached the provider yet: the notice waits in PostgreSQL.
    assert not Notification.objects.filter(recipient=world["provider"]).exists()
    from core.models import OutboxEntry

    pending = OutboxEntry.objects.get(task=NOTICE_TASK)
    assert pending.delivered_at is None
    assert pending.args == [Message.objects.get(thread=thread).pk]


def test_the_sweep_delivers_what_the_broker_lost_exactly_once(
    api_client, world, redis_down, django_capture_on_commit_callbacks
):
    from core.models import OutboxEntry
    from core.tasks import deliver_pending

    provider = world["provider"]
    api_client.force_authenticate(UserFactory(display_name="Max"))
    with django_capture_on_commit_callbacks(execute=True):
        api_client.post(
            "/api/v1/threads",
            {"profile": world["profile"].pk, "body": "Free on Friday?"},
            format="json",
        )
    notice_entry = OutboxEntry.objects.filter(task=NOTICE_TASK)
    assert notice_entry.get().delivered_at is None
    # While the broker is down the sweep sends nothing and loses nothing.
    OutboxEntry.objects.update(due_at=timezone.now())
    assert deliver_pending()["outbox"] == 0
    assert notice_entry.get().delivered_at is None

    redis_down.end()
    for _ in range(2):  # a doubled run (two beats, a redelivery) changes nothing
        OutboxEntry.objects.update(due_at=timezone.now())
        EmailDelivery.objects.update(due_at=timezone.now())
        with django_capture_on_commit_callbacks(execute=True):
            deliver_pending()
    notice = Notification.objects.get(recipient=provider)
    assert notice.count == 1 and "Max" in notice.title
    delivery = EmailDelivery.objects.get(recipient=provider)
    assert delivery.status == EmailDelivery.Status.SENT
    assert [m.to for m in mail.outbox] == [[provider.email]]
    assert not OutboxEntry.objects.filter(delivered_at__isnull=True).exists()
