"""A client's messages until the provider first answers are checked
(docs/automated-checks.md, "First messages"): banned or explicit wording is
refused with a 400 on ``body`` and nothing is stored (not even an empty
conversation); contact details are sent and flagged for the moderators; once
the provider has answered, the conversation is no longer checked."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType

from messaging.models import Message, Thread
from messaging.services import message_send
from moderation.models import Report
from moderation.selectors import report_evidence
from tests.assertions import assert_error_shape
from tests.factories.pages import EscortOwnerFactory, make_city, make_profile

pytestmark = pytest.mark.django_db

THREADS = "/api/v1/threads"


@pytest.fixture
def profile():
    return make_profile(
        "Ines", city=make_city("Porto", slug="porto-checks"), owner=EscortOwnerFactory()
    )


def start(api_client, user, profile, body):  # noqa: ANN001, ANN201
    api_client.force_authenticate(user)
    payload = {"profile": profile.pk, "body": body}
    return api_client.post(THREADS, payload, format="json")


def message_reports() -> list[Report]:
    return list(
        Report.objects.filter(
            target_content_type=ContentType.objects.get_for_model(Message),
            automated=True,
        )
    )


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("Are you a teen?", "not allowed on the site"),
        ("I want sex tonight", "Remove the explicit wording"),
    ],
)
def test_banned_or_explicit_first_message_is_refused(
    api_client, client_user, profile, body, reason
):
    error = assert_error_shape(
        start(api_client, client_user, profile, body), 400, "validation_error"
    )
    assert reason in error["fields"]["body"][0]
    assert not Thread.objects.filter(client=client_user).exists()
    assert Message.objects.count() == 0


def test_contact_details_in_a_first_message_are_sent_and_flagged(
    api_client, client_user, profile
):
    body = "Hello Ines, text me on 0151 2345 6789 please"
    response = start(api_client, client_user, profile, body)
    assert response.status_code == 201
    (report,) = message_reports()
    assert report.target_id == response.json()["message"]["id"]
    assert report.subject_user == client_user and report.reporter is None
    evidence = report_evidence(report=report, viewer=None)
    assert evidence["body"] == body
    assert [(f["kind"], f["action"]) for f in evidence["flags"]] == [
        ("phone", "review")
    ]


def test_a_refused_follow_up_before_the_reply_is_refused_too(
    api_client, client_user, profile
):
    assert start(api_client, client_user, profile, "Hello!").status_code == 201
    thread = Thread.objects.get(client=client_user)
    response = api_client.post(
        f"{THREADS}/{thread.pk}/messages", {"body": "schoolgirl outfit?"}, format="json"
    )
    assert_error_shape(response, 400, "validation_error")
    assert thread.messages.count() == 1


def test_after_the_providers_answer_the_conversation_is_not_checked(
    api_client, client_user, profile
):
    assert start(api_client, client_user, profile, "Hello!").status_code == 201
    thread = Thread.objects.get(client=client_user)
    message_send(thread_id=thread.pk, sender=profile.owner, body="Hi, welcome.")
    response = api_client.post(
        f"{THREADS}/{thread.pk}/messages",
        {"body": "My number is 0151 2345 6789"},
        format="json",
    )
    assert response.status_code == 201
    assert message_reports() == []


def test_the_page_says_why_and_keeps_the_draft(client, client_user, profile):
    client.force_login(client_user)
    body = "Hello, are you a schoolgirl?"
    response = client.post(f"/messages/start/{profile.pk}/", {"body": body})
    assert response.status_code == 400
    page = response.content.decode()
    assert "not allowed on the site" in page
    assert "schoolgirl" in page  # the draft is kept in the textarea
    assert not Thread.objects.filter(client=client_user).exists()
