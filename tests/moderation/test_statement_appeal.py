"""The affected user's statement page: the appeal form while the window is
open, the appeal's status, the outcome once decided; reachable while
suspended; others' statements are 404; the dashboard links to the list."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import Role
from moderation.decisions import appeal_decide, decision_take
from moderation.models import Appeal, Statement
from tests.factories import UserFactory
from tests.moderation.admin_support import file_report, moderator

pytestmark = pytest.mark.django_db


@pytest.fixture
def statement() -> Statement:
    person = UserFactory(role=Role.CLIENT)
    decision = decision_take(
        actor=moderator(),
        report=file_report(person, subject=person, category="spam"),
        action="suspend",
        reason_code="spam",
        suspend_until=timezone.now() + dt.timedelta(days=7),
    )
    return Statement.objects.get(decision=decision)


def url(statement: Statement) -> str:
    return f"/dashboard/moderation/{statement.pk}/"


def test_the_suspended_user_reads_the_statement_and_appeals(client, statement):
    client.force_login(statement.user)

    page = client.get(url(statement))
    empty = client.post(url(statement), {"text": "  "})
    sent = client.post(url(statement), {"text": "I sent one message, not spam."})
    after = client.get(url(statement)).content.decode()

    html = page.content.decode()
    assert page.status_code == 200
    assert "clause 4.2" in html and "No spam" in html
    assert "Send appeal" in html and 'name="csrfmiddlewaretoken"' in html
    assert empty.status_code == 400
    assert "Tell us why you disagree." in empty.content.decode()
    assert sent.status_code == 302
    appeal = Appeal.objects.get(statement=statement)
    assert appeal.text == "I sent one message, not spam."
    assert "Waiting for a moderator" in after and "Send appeal" not in after


def test_a_second_appeal_is_refused_with_a_message(client, statement):
    client.force_login(statement.user)
    client.post(url(statement), {"text": "First."})

    again = client.post(url(statement), {"text": "Second."})

    assert again.status_code == 409
    assert "You already appealed this decision" in again.content.decode()
    assert Appeal.objects.filter(statement=statement).count() == 1


def test_the_outcome_shows_once_decided(client, statement):
    client.force_login(statement.user)
    client.post(url(statement), {"text": "Please look again."})
    appeal_decide(
        actor=moderator(),
        appeal=Appeal.objects.get(statement=statement),
        reverse=True,
        response="You are right; sorry.",
    )

    html = client.get(url(statement)).content.decode()

    assert "Decision reversed" in html and "You are right; sorry." in html
    assert 'data-appeal="reversed"' in html


def test_after_the_window_there_is_no_form(client, statement):
    Statement.objects.filter(pk=statement.pk).update(
        appeal_until=timezone.now() - dt.timedelta(days=1)
    )
    client.force_login(statement.user)

    html = client.get(url(statement)).content.decode()
    late = client.post(url(statement), {"text": "Too late?"})

    assert "Send appeal" not in html and "The time to appeal ended" in html
    assert late.status_code == 409
    assert not Appeal.objects.exists()


def test_someone_elses_statement_is_404(client, statement):
    client.force_login(UserFactory(role=Role.CLIENT))

    assert client.get(url(statement)).status_code == 404
    assert client.post(url(statement), {"text": "Mine?"}).status_code == 404
    assert client.get("/dashboard/moderation/99999999999999999999/").status_code == 404
    assert not Appeal.objects.exists()


def test_the_dashboard_links_to_the_decisions(client):
    client.force_login(UserFactory(role=Role.CLIENT))

    html = client.get("/dashboard/").content.decode()

    assert 'href="/dashboard/moderation/"' in html and "Moderation decisions" in html


def test_the_list_shows_each_appeals_status(client, statement):
    client.force_login(statement.user)
    client.post(url(statement), {"text": "Please look again."})

    html = client.get("/dashboard/moderation/").content.decode()

    assert f'href="{url(statement)}"' in html
    assert 'data-appeal-status="pending"' in html and "waiting for a moderator" in html
