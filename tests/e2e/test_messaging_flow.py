"""A client writes to a profile from /messages/start/; the provider, with the
conversation open, sees the client's next message arrive without a reload, and
the client sees the reply the same way: the page's script over /ws/messages/.
Every page either side lands on is checked (tests/e2e/checks.py), at both
widths."""

from __future__ import annotations

import socket
import threading
import time

import pytest

from core import crypto
from messaging.models import AwayReply, Message, Thread
from tests.e2e.checks import check_page
from tests.e2e.signin import sign_in_checked as sign_in
from tests.factories.bookings import client_account
from tests.factories.pages import EscortOwnerFactory, make_city, make_profile

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SERVER_START_SECONDS = 10


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def asgi_server():
    """The ASGI app (HTTP and WebSockets) under uvicorn: pytest-django's
    live_server speaks WSGI only. In a thread of this process rather than a
    subprocess, so it uses the test database these settings now point at."""
    import uvicorn

    from config.asgi import application

    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            application,
            host="127.0.0.1",
            port=port,
            lifespan="off",
            log_level="warning",
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + SERVER_START_SECONDS
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=SERVER_START_SECONDS)
    # Its worker threads may keep an idle connection to the test database until
    # the process exits: dropping the database at the very end may then warn.
    # Never terminate "other" sessions here: the session-scoped live_server of
    # the other browser tests holds one too (killing it failed the next test).


def _live(page) -> None:  # noqa: ANN001
    page.wait_for_selector('.conversation[data-live="true"]')
    # Survives only if the page is never reloaded.
    page.evaluate("window.stillTheSamePage = true")


def _same_page(page) -> bool:  # noqa: ANN001
    return page.evaluate("window.stillTheSamePage === true")


def test_messages_arrive_live_both_ways(asgi_server, new_page):
    owner = EscortOwnerFactory(email="lena@example.test")
    profile = make_profile(
        "Lena", city=make_city("Vienna", slug="vienna-e2e"), owner=owner
    )
    customer = client_account(email="tom@example.test", display_name="Tom")
    base = asgi_server

    client = new_page()
    sign_in(client, base, customer.email, f"/messages/start/{profile.pk}/")
    assert client.get_by_role("heading", name="Message Lena").is_visible()
    client.get_by_label("Your message").fill("Hello Lena, <b>are you free</b>?")
    client.get_by_role("button", name="Send").click()
    client.wait_for_url("**/messages/*/")
    check_page(client)
    thread = Thread.objects.get(client=customer, profile=profile)
    assert client.url == f"{base}/messages/{thread.pk}/"
    first = client.locator(".bubble__body").first
    assert first.inner_text() == "Hello Lena, <b>are you free</b>?"
    assert client.locator(".bubble b").count() == 0  # text, not markup

    provider = new_page()
    sign_in(provider, base, owner.email, f"/messages/{thread.pk}/")
    assert provider.get_by_role("heading", name="Tom").is_visible()
    _live(provider)
    _live(client)

    client.get_by_label("Your message").fill("Friday at eight?\n<i>Dinner</i> first")
    client.get_by_role("button", name="Send").click()
    arrived = provider.locator(".bubble__body", has_text="Friday at eight?")
    arrived.wait_for()
    assert arrived.inner_text() == "Friday at eight?\n<i>Dinner</i> first"
    assert provider.locator(".bubble i").count() == 0
    assert _same_page(provider)
    # The sender's own copy comes back over the socket too, with no reload.
    client.locator(".bubble--mine .bubble__body", has_text="Friday").wait_for()
    assert _same_page(client)

    provider.get_by_label("Your message").fill("Friday works.")
    provider.get_by_role("button", name="Send").click()
    reply = client.locator(".bubble:not(.bubble--mine) .bubble__body")
    reply.wait_for()
    assert reply.inner_text() == "Friday works."
    assert _same_page(client) and _same_page(provider)

    stored = [
        (m.sender_id, crypto.decrypt(m.body_encrypted))
        for m in Message.objects.filter(thread=thread).order_by("id")
    ]
    assert stored == [
        (customer.pk, "Hello Lena, <b>are you free</b>?"),
        (customer.pk, "Friday at eight?\n<i>Dinner</i> first"),
        (owner.pk, "Friday works."),
    ]
    # The client's page sent a read receipt for the reply it showed.
    newest = Message.objects.latest("id").pk
    deadline = time.monotonic() + 5
    while thread.client_last_read_id != newest and time.monotonic() < deadline:
        time.sleep(0.1)
        thread.refresh_from_db()
    assert thread.client_last_read_id == newest

    # Lena goes away: the client's next message is answered by the platform,
    # and the answer arrives live, labelled as automatic.
    AwayReply.objects.create(
        profile=profile, enabled=True, message="Travelling until Monday.", set_by=owner
    )
    client.get_by_label("Your message").fill("Saturday instead?")
    client.get_by_role("button", name="Send").click()
    automatic = client.locator(".bubble--auto", has_text="Travelling until Monday.")
    automatic.wait_for()
    assert automatic.locator(".bubble__auto").text_content() == "Automatic reply"
    assert _same_page(client)
