"""Reporting a message: an encrypted evidence snapshot, priority from the
category, only messages from the other side of one's own conversation, one
report per reporter and message; the moderators' queue in the Wagtail admin."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import connection
from django.db.models import F
from django.utils import timezone
from rest_framework.throttling import ScopedRateThrottle

from accounts.models import Role, User
from messaging.models import Message, Thread
from messaging.services import (
    message_send,
    thread_report,
    thread_start,
    thread_wipe,
)
from moderation.models import Report
from moderation.selectors import report_evidence
from moderation.services import report_keys_rotate
from tests.assertions import assert_error_shape
from tests.factories import UserFactory
from tests.factories.pages import EscortOwnerFactory, make_city, make_profile

pytestmark = pytest.mark.django_db

THREADS = "/api/v1/threads"
ADMIN = "/cms/moderation/reports/"
SECRET = "Send the deposit to my private account"


@pytest.fixture
def provider() -> User:
    return EscortOwnerFactory(display_name="Provider")


@pytest.fixture
def client_user() -> User:
    return UserFactory(role=Role.CLIENT, display_name="Max")


@pytest.fixture
def thread(provider, client_user) -> Thread:
    profile = make_profile(
        "Clara", city=make_city("Berlin", slug="berlin-rep"), owner=provider
    )
    thread, _ = thread_start(client=client_user, profile_id=profile.pk, body="Hi")
    return thread


@pytest.fixture
def from_provider(thread, provider) -> Message:
    return message_send(thread_id=thread.pk, sender=provider, body=SECRET)


def report(api_client, user, thread_id, message_id, category="scam", details=""):  # noqa: ANN001, ANN201
    api_client.force_authenticate(user)
    return api_client.post(
        f"{THREADS}/{thread_id}/report",
        {"message": message_id, "category": category, "details": details},
        format="json",
    )


# --- Filing -----------------------------------------------------------------------


def test_a_report_keeps_the_message_encrypted(
    api_client, thread, client_user, from_provider
):
    response = report(
        api_client,
        client_user,
        thread.pk,
        from_provider.pk,
        details="Asked <b>twice</b>",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["category"] == "scam" and body["status"] == "open"
    assert body["priority"] == Report.Priority.NORMAL
    saved = Report.objects.get(pk=body["id"])
    assert saved.reporter == client_user
    assert saved.target == from_provider
    assert saved.details == "Asked <b>twice</b>"  # plain text, escaped on output
    with connection.cursor() as cursor:
        cursor.execute("SELECT evidence_encrypted FROM moderation_report")
        [(raw,)] = cursor.fetchall()
    assert "deposit" not in raw and raw.startswith("gAAAA")
    evidence = report_evidence(report=saved, viewer=staff_in("Moderators"))
    assert evidence["body"] == SECRET
    assert evidence["message_id"] == from_provider.pk
    assert evidence["sender_id"] == from_provider.sender_id
    assert evidence["sender_side"] == "provider"
    assert evidence["image"] is None


def test_the_evidence_outlives_a_wiped_conversation(
    api_client, thread, client_user, provider, from_provider
):
    report(api_client, client_user, thread.pk, from_provider.pk)

    thread_wipe(thread_id=thread.pk, user=provider)

    assert not Message.objects.exists()
    assert (
        report_evidence(report=Report.objects.get(), viewer=staff_in("Moderators"))[
            "body"
        ]
        == SECRET
    )


def test_evidence_reads_after_a_key_rotation(
    api_client, thread, client_user, from_provider, settings
):
    report(api_client, client_user, thread.pk, from_provider.pk)
    old_key = settings.MESSAGE_ENCRYPTION_KEYS[0]
    new_key = Fernet.generate_key().decode()
    settings.MESSAGE_ENCRYPTION_KEYS = [new_key, old_key]

    assert report_keys_rotate() == 1
    settings.MESSAGE_ENCRYPTION_KEYS = [new_key]  # the old key retired

    filed = Report.objects.get()
    assert Fernet(new_key.encode()).decrypt(filed.evidence_encrypted.encode())
    assert (
        report_evidence(report=filed, viewer=staff_in("Moderators"))["body"] == SECRET
    )


@pytest.mark.parametrize(
    ("category", "priority"),
    [
        ("underage", Report.Priority.TOP),
        ("trafficking", Report.Priority.TOP),
        ("harassment", Report.Priority.NORMAL),
        ("spam", Report.Priority.NORMAL),
        ("other", Report.Priority.NORMAL),
    ],
)
def test_priority_follows_the_category(
    api_client, thread, client_user, from_provider, category, priority
):
    response = report(api_client, client_user, thread.pk, from_provider.pk, category)

    assert response.json()["priority"] == priority
    assert Report.objects.get().priority == priority


def test_the_database_computes_the_priority(thread, client_user, from_provider):
    filed, _ = thread_report(
        thread_id=thread.pk,
        user=client_user,
        message_id=from_provider.pk,
        category="spam",
        details="",
    )
    Report.objects.filter(pk=filed.pk).update(category="underage")

    filed.refresh_from_db()
    assert filed.priority == Report.Priority.TOP


def test_the_provider_side_reports_the_clients_message(api_client, thread, provider):
    first = thread.messages.get()  # the client's "Hi"

    response = report(api_client, provider, thread.pk, first.pk, "harassment")

    assert response.status_code == 201
    assert (
        report_evidence(report=Report.objects.get(), viewer=staff_in("Moderators"))[
            "sender_side"
        ]
        == "client"
    )


# --- Refusals ---------------------------------------------------------------------


def test_a_message_of_another_thread_is_400(api_client, thread, client_user, provider):
    # The client has a second conversation; its message is not in this one.
    other_profile = make_profile("Dora", city=thread.profile.home_city)
    other, _ = thread_start(
        client=client_user, profile_id=other_profile.pk, body="Hello"
    )
    elsewhere = message_send(
        thread_id=other.pk, sender=other_profile.owner, body="Reply"
    )

    response = report(api_client, client_user, thread.pk, elsewhere.pk)

    assert "message" in assert_error_shape(response, 400, "validation_error")["fields"]
    assert not Report.objects.exists()


def test_a_thread_one_is_not_in_is_404(api_client, thread, from_provider):
    for outsider in (UserFactory(role=Role.CLIENT), EscortOwnerFactory()):
        response = report(api_client, outsider, thread.pk, from_provider.pk)
        assert_error_shape(response, 404, "not_found")
    assert not Report.objects.exists()


def test_ones_own_message_is_400(api_client, thread, client_user, provider):
    own = thread.messages.get()

    response = report(api_client, client_user, thread.pk, own.pk)

    assert "message" in assert_error_shape(response, 400)["fields"]
    assert not Report.objects.exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"category": "rude"}, "category"),
        ({"details": "x" * 2001}, "details"),
        ({"details": "bell\x07"}, "details"),
        ({"message": 0}, "message"),
    ],
)
def test_bad_input_is_400(
    api_client, thread, client_user, from_provider, payload, field
):
    data = {"message": from_provider.pk, "category": "spam", "details": ""} | payload
    api_client.force_authenticate(client_user)

    response = api_client.post(f"{THREADS}/{thread.pk}/report", data, format="json")

    assert field in assert_error_shape(response, 400)["fields"]
    assert not Report.objects.exists()


def test_anonymous_is_401(api_client, thread, from_provider):
    response = api_client.post(
        f"{THREADS}/{thread.pk}/report",
        {"message": from_provider.pk, "category": "spam"},
        format="json",
    )
    assert_error_shape(response, 401)


def test_a_repeat_returns_the_first_report(
    api_client, thread, client_user, from_provider
):
    first = report(api_client, client_user, thread.pk, from_provider.pk, "spam", "a")
    again = report(api_client, client_user, thread.pk, from_provider.pk, "other", "b")

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["category"] == "spam"
    assert Report.objects.get().details == "a"


def test_reports_share_the_messaging_throttle(
    api_client, thread, client_user, from_provider, monkeypatch
):
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"messages": "2/min"})
    statuses = [
        report(api_client, client_user, thread.pk, from_provider.pk).status_code
        for _ in range(3)
    ]
    assert statuses == [201, 200, 429]


def test_moderation_does_not_import_messaging():
    root = Path(settings.BASE_DIR) / "moderation"
    imported = set()
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module.split(".")[0])
            elif isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
    assert "messaging" not in imported


# --- The moderators' queue ------------------------------------------------------------


def staff_in(group_name: str) -> User:
    user = UserFactory(role=Role.STAFF)
    user.groups.add(Group.objects.get(name=group_name))
    return user


def _file(thread, client_user, provider, category: str, days_ago: int) -> Report:  # noqa: ANN001
    message = message_send(thread_id=thread.pk, sender=provider, body=category)
    filed, _ = thread_report(
        thread_id=thread.pk,
        user=client_user,
        message_id=message.pk,
        category=category,
        details="",
    )
    # Filed days ago: due as many days earlier too (the queue orders by due time).
    Report.objects.filter(pk=filed.pk).update(
        created_at=timezone.now() - dt.timedelta(days=days_ago),
        due_at=F("due_at") - dt.timedelta(days=days_ago),
    )
    return filed


@pytest.fixture
def queue(thread, client_user, provider) -> dict[str, Report]:
    return {
        "old spam": _file(thread, client_user, provider, "spam", 9),
        "new underage": _file(thread, client_user, provider, "underage", 1),
        "new scam": _file(thread, client_user, provider, "scam", 2),
        "old trafficking": _file(thread, client_user, provider, "trafficking", 5),
    }


def listed(response) -> list[int]:  # noqa: ANN001
    assert response.status_code == 200, response.content[:300]
    return [r.pk for r in response.context["object_list"]]


@pytest.mark.parametrize("who", ["moderator", "superuser"])
def test_the_queue_shows_top_priority_first_then_oldest(
    client, queue, who, admin_login
):
    user = (
        staff_in("Moderators")
        if who == "moderator"
        else UserFactory(role=Role.STAFF, is_staff=True, is_superuser=True)
    )
    admin_login(client, user)

    order = listed(client.get(ADMIN))

    assert order == [
        queue["old trafficking"].pk,
        queue["new underage"].pk,
        queue["old spam"].pk,
        queue["new scam"].pk,
    ]
    assert ADMIN in client.get("/cms/").content.decode()


def test_the_queue_filters_by_category_and_status(client, queue, admin_login):
    Report.objects.filter(pk=queue["old spam"].pk).update(
        status="closed", closed_at=timezone.now()
    )
    admin_login(client, staff_in("Moderators"))

    by_category = listed(client.get(ADMIN, {"category": ["scam", "spam"]}))
    open_only = listed(client.get(ADMIN, {"status": "open"}))

    # Open reports first: the closed (older) spam report comes after.
    assert by_category == [queue["new scam"].pk, queue["old spam"].pk]
    assert queue["old spam"].pk not in open_only and len(open_only) == 3


def test_the_inspect_page_shows_the_decrypted_evidence(client, queue, admin_login):
    admin_login(client, staff_in("Moderators"))
    filed = queue["new underage"]

    page = client.get(f"{ADMIN}inspect/{filed.pk}/")

    assert page.status_code == 200
    html = page.content.decode()
    assert "<dd>underage</dd>" in html  # the message's text, decrypted
    assert "Top priority" in html


def test_staff_who_are_not_moderators_cannot_open_the_queue(client, queue, admin_login):
    admin_login(client, staff_in("Editors"))
    filed = queue["new underage"]

    for url in (ADMIN, f"{ADMIN}results/", f"{ADMIN}inspect/{filed.pk}/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == "/cms/"
    assert ADMIN not in client.get("/cms/").content.decode()


def test_nobody_edits_or_deletes_a_report_in_the_admin(client, queue, admin_login):
    admin_login(client, UserFactory(role=Role.STAFF, is_staff=True, is_superuser=True))
    filed = queue["old spam"]

    for url in (
        f"{ADMIN}edit/{filed.pk}/",
        f"{ADMIN}delete/{filed.pk}/",
        f"{ADMIN}new/",
    ):
        assert client.get(url).status_code == 404, url
    assert Report.objects.count() == 4


def test_every_endpoint_is_in_the_schema(api_client):
    schema = api_client.get("/api/schema/", {"format": "json"}).json()
    paths = schema["paths"]

    report_op = paths["/api/v1/threads/{thread_id}/report"]["post"]
    attachment_op = paths[
        "/api/v1/threads/{thread_id}/messages/{message_id}/attachment"
    ]["get"]
    send_op = paths["/api/v1/threads/{thread_id}/messages"]["post"]

    assert report_op["operationId"] == "thread_report"
    assert set(report_op["responses"]) >= {"200", "201"}
    assert attachment_op["operationId"] == "message_attachment"
    assert "image/jpeg" in attachment_op["responses"]["200"]["content"]
    assert {"application/json", "multipart/form-data"} <= set(
        send_op["requestBody"]["content"]
    )
    message = schema["components"]["schemas"]["Message"]
    assert "attachment" in message["properties"]
