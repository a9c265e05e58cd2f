"""/metrics: hidden (404) without the operators' token or a superuser session;
request figures from django-prometheus, and the Redis-kept figures (queue
lengths, task failures, open sockets) that cross process boundaries."""

from __future__ import annotations

import re

import pytest
import redis
from asgiref.sync import async_to_sync, sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client, override_settings

from config.asgi import application
from config.celery import app
from core import metrics
from tests.factories import UserFactory
from tests.outage import Outage

pytestmark = pytest.mark.django_db

TOKEN = "scrape-token-0123456789abcdef"  # noqa: S105 - test value


@pytest.fixture
def token():  # noqa: ANN201
    with override_settings(METRICS_TOKEN=TOKEN):
        yield TOKEN


def scrape(client, token: str = TOKEN) -> str:  # noqa: ANN001
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    return response.content.decode()


def value_of(text: str, name: str, **labels: str) -> float | None:
    """The sample of ``name`` with exactly these labels (in any order)."""
    for line in text.splitlines():
        match = re.fullmatch(rf"{re.escape(name)}(?:\{{(.*)\}})? (\S+)", line)
        if not match:
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', match.group(1) or ""))
        if found == labels:
            return float(match.group(2))
    return None


def test_hidden_without_a_token(client, token):
    assert client.get("/metrics").status_code == 404
    wrong = client.get("/metrics", HTTP_AUTHORIZATION="Bearer not-the-token")
    assert wrong.status_code == 404
    basic = client.get("/metrics", HTTP_AUTHORIZATION=f"Basic {TOKEN}")
    assert basic.status_code == 404


def test_no_token_configured_accepts_no_token(client):
    with override_settings(METRICS_TOKEN=""):
        response = client.get("/metrics", HTTP_AUTHORIZATION="Bearer ")
    assert response.status_code == 404


def test_staff_who_are_not_superusers_get_404(client, token):
    client.force_login(UserFactory(is_staff=True))
    assert client.get("/metrics").status_code == 404


def test_a_superuser_session_may_read(client, token):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get("/metrics").status_code == 200


def test_the_figures_are_there(client, token):
    client.get("/healthz")
    text = scrape(client)
    for name in (
        "django_http_requests_latency_seconds_by_view_method_bucket",
        "django_http_responses_total_by_status_total",
        "celery_queue_length",
        "metrics_redis_up 1.0",
    ):
        assert name in text
    assert value_of(
        text,
        "django_http_requests_latency_seconds_by_view_method_count",
        view="healthz",
        method="GET",
    )


def test_queue_length_follows_the_broker(client, token):
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    broker.delete("celery")
    assert value_of(scrape(client), "celery_queue_length", queue="celery") == 0
    broker.rpush("celery", "a", "b", "c")
    try:
        assert value_of(scrape(client), "celery_queue_length", queue="celery") == 3
    finally:
        broker.delete("celery")


@app.task(name="tests.core.test_metrics.always_fails")
def always_fails() -> None:
    raise RuntimeError("boom")


def test_task_failures_are_counted(client, token):
    name = "tests.core.test_metrics.always_fails"
    before = value_of(scrape(client), "celery_task_failures_total", task=name) or 0
    for _ in range(2):
        # The worker's tracer, in this process; throw=False as in a worker
        # (eager propagation would re-raise before the failure is handled).
        result = always_fails.apply(throw=False)
        assert result.failed()
    after = value_of(scrape(client), "celery_task_failures_total", task=name)
    assert after == before + 2


def test_a_failure_while_redis_is_down_does_not_break_the_task_path(client, token):
    outage = Outage()
    outage.start()
    try:
        metrics.task_failure_record(sender=always_fails)  # logged, not raised
        response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
        assert response.status_code == 200
        assert "metrics_redis_up 0.0" in response.content.decode()
    finally:
        outage.end()


def _session_cookie(user) -> bytes:  # noqa: ANN001
    browser = Client()
    browser.force_login(user)
    name = settings.SESSION_COOKIE_NAME
    return f"{name}={browser.cookies[name].value}".encode()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_open_websockets_are_counted(client, token):
    cookie = _session_cookie(UserFactory())

    def sockets() -> float:
        text = scrape(client)
        return value_of(text, "websocket_connections", consumer="EchoConsumer") or 0

    async def scenario() -> list[float]:
        seen = []
        communicator = WebsocketCommunicator(
            application,
            "/ws/echo/",
            headers=[(b"cookie", cookie), (b"origin", b"http://testserver")],
        )
        assert (await communicator.connect(timeout=5))[0]
        seen.append(await sync_to_async(sockets)())
        await communicator.disconnect()
        seen.append(await sync_to_async(sockets)())
        return seen

    assert sockets() == 0
    assert async_to_sync(scenario)() == [1, 0]
