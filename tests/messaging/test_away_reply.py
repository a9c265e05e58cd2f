"""Away auto-replies (docs/agency-tools.md): set by the provider side, sent once
per conversation a day as an automatic message by the owner (or, for a profile
without one, by whoever set it), never for the provider side, a blocked client
or an unpublished profile, stopping by itself after ``until``; and the race of
two client messages at once."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from accounts.models import Role, User
from core import crypto
from core.exceptions import NotFound, PermissionDenied, ValidationFailed
from core.models import OutboxEntry
from directory.models import Agency, AgencyMembership, EscortProfilePage
from messaging.away import away_reply_set
from messaging.models import Block, Message, Thread
from messaging.services import message_send, thread_start
from messaging.tasks import notify_new_message
from tests.factories import UserFactory
from tests.factories.pages import EscortOwnerFactory, make_city, make_profile

AWAY = "Travelling until Monday — I will answer then."


@pytest.fixture
def escort(db) -> User:  # noqa: ANN001
    return EscortOwnerFactory(display_name="Nora")


@pytest.fixture
def profile(escort: User) -> EscortProfilePage:
    return make_profile("Nora", city=make_city("Vienna"), owner=escort)


@pytest.fixture
def client_user(db) -> User:  # noqa: ANN001
    return UserFactory(role=Role.CLIENT, display_name="Theo")


def _automatic(thread: Thread) -> list[Message]:
    return list(Message.objects.filter(thread=thread, automatic=True))


@pytest.mark.django_db
class TestSending:
    def test_a_client_message_gets_one_automatic_reply(
        self, escort, profile, client_user
    ):
        away_reply_set(actor=escort, profile_id=profile.pk, enabled=True, message=AWAY)
        thread, first = thread_start(
            client=client_user, profile_id=profile.pk, body="Hello"
        )
        replies = _automatic(thread)
        assert len(replies) == 1
        reply = replies[0]
        assert reply.sender == escort and reply.pk > first.pk
        assert crypto.decrypt(reply.body_encrypted) == AWAY
        # Persisted like any message: its notice is recorded with it.
        assert OutboxEntry.objects.filter(
            task=notify_new_message.name, args=[reply.pk]
        ).exists()
        # A second message the same day: no second reply.
        message_send(thread_id=thread.pk, sender=client_user, body="Are you there?")
        assert len(_automatic(thread)) == 1

    def test_a_day_later_it_answers_again(self, escort, profile, client_user):
        away_reply_set(actor=escort, profile_id=profile.pk, enabled=True, message=AWAY)
        thread, _ = thread_start(client=client_user, profile_id=profile.pk, body="Hi")
        Message.objects.filter(thread=thread, automatic=True).update(
            created_at=timezone.now() - dt.timedelta(hours=25)
        )
        message_send(thread_id=thread.pk, sender=client_user, body="Again")
        assert len(_automatic(thread)) == 2

    def test_the_provider_side_writing_triggers_nothing(
        self, escort, profile, client_user
    ):
        thread, _ = thread_start(client=client_user, profile_id=profile.pk, body="Hi")
        away_reply_set(actor=escort, profile_id=profile.pk, enabled=True, message=AWAY)
        message_send(thread_id=thread.pk, sender=escort, body="Answering")
        assert _automatic(thread) == []

    def test_off_or_past_until_sends_nothing(self, escort, profile, client_user):
        reply = away_reply_set(
            actor=escort, profile_id=profile.pk, enabled=False, message=AWAY
        )
        thread, _ = thread_start(client=client_user, profile_id=profile.pk, body="Hi")
        assert _automatic(thread) == []
        reply.enabled = True
        reply.until = timezone.now() - dt.timedelta(minutes=1)
        reply.save()
        message_send(thread_id=thread.pk, sender=client_user, body="Hi again")
        assert _automatic(thread) == []

    def test_a_blocked_client_gets_no_reply(self, escort, profile, client_user):
        away_reply_set(actor=escort, profile_id=profile.pk, enabled=True, message=AWAY)
        thread, _ = thread_start(client=client_user, profile_id=profile.pk, body="Hi")
        Message.objects.filter(thread=thread, automatic=True).delete()
        Block.objects.create(blocker=escort, blocked=client_user)
        with pytest.raises(PermissionDenied):
            message_send(thread_id=thread.pk, sender=client_user, body="Hi")
        assert _automatic(thread) == []

    def test_an_unpublished_profile_sends_no_reply(self, escort, profile, client_user):
        thread, _ = thread_start(client=client_user, profile_id=profile.pk, body="Hi")
        away_reply_set(actor=escort, profile_id=profile.pk, enabled=True, message=AWAY)
        EscortProfilePage.objects.filter(pk=profile.pk).update(live=False)
        message_send(thread_id=thread.pk, sender=client_user, body="Still there?")
        assert _automatic(thread) == []

    def test_an_ownerless_agency_profile_replies_as_who_set_it(
        self, profile, client_user
    ):
        agency = Agency.objects.create(name="Velvet", slug="velvet")
        manager = UserFactory(role=Role.AGENCY)
        AgencyMembership.objects.create(agency=agency, user=manager, role="manager")
        EscortProfilePage.objects.filter(pk=profile.pk).update(agency=agency)
        thread, _ = thread_start(client=client_user, profile_id=profile.pk, body="Hi")
        EscortProfilePage.objects.filter(pk=profile.pk).update(owner=None)
        away_reply_set(actor=manager, profile_id=profile.pk, enabled=True, message=AWAY)
        message_send(thread_id=thread.pk, sender=client_user, body="Hello?")
        assert [m.sender for m in _automatic(thread)] == [manager]


@pytest.mark.django_db
class TestSetting:
    @pytest.mark.parametrize(
        ("message", "until", "field"),
        [
            ("", None, "message"),
            ("x" * 501, None, "message"),
            ("ok\x07", None, "message"),
            ("ok", timezone.now() - dt.timedelta(hours=1), "until"),
        ],
    )
    def test_bad_input_is_refused(self, escort, profile, message, until, field):
        with pytest.raises(ValidationFailed) as refused:
            away_reply_set(
                actor=escort,
                profile_id=profile.pk,
                enabled=True,
                message=message,
                until=until,
            )
        assert field in refused.value.fields

    def test_someone_elses_profile_is_not_found(self, profile):
        with pytest.raises(NotFound):
            away_reply_set(
                actor=EscortOwnerFactory(),
                profile_id=profile.pk,
                enabled=True,
                message=AWAY,
            )

    def test_the_page_saves_and_shows_errors(self, escort, profile):
        browser = Client()
        browser.force_login(escort)
        assert "Away reply" in browser.get("/messages/away/").content.decode()
        blank = browser.post(
            "/messages/away/", {"profile": profile.pk, "enabled": "yes", "message": ""}
        )
        assert blank.status_code == 400
        assert "Write the reply to send." in blank.content.decode()
        saved = browser.post(
            "/messages/away/",
            {
                "profile": profile.pk,
                "enabled": "yes",
                "message": AWAY,
                "until": "2099-01-01T10:00",
            },
        )
        assert saved.status_code == 302
        reply = profile.away_reply
        reply.refresh_from_db()
        assert reply.enabled and reply.message == AWAY
        # Read in the profile's city time (make_city's default zone).
        local = reply.until.astimezone(dt.UTC)
        assert local.year == 2099
        bad = browser.post(
            "/messages/away/",
            {"profile": profile.pk, "enabled": "yes", "message": AWAY, "until": "soon"},
        )
        assert bad.status_code == 400
        other = make_profile("Iris", city=profile.home_city)
        assert (
            browser.post(
                "/messages/away/", {"profile": other.pk, "message": AWAY}
            ).status_code
            == 404
        )

    def test_clients_have_no_away_page(self, client_user):
        browser = Client()
        browser.force_login(client_user)
        assert browser.get("/messages/away/").status_code == 404

    def test_the_conversation_labels_the_automatic_reply(
        self, escort, profile, client_user, api_client
    ):
        away_reply_set(actor=escort, profile_id=profile.pk, enabled=True, message=AWAY)
        thread, _ = thread_start(client=client_user, profile_id=profile.pk, body="Hi")
        browser = Client()
        browser.force_login(client_user)
        page = browser.get(f"/messages/{thread.pk}/").content.decode()
        assert "Automatic reply" in page
        api_client.force_authenticate(client_user)
        rows = api_client.get(f"/api/v1/threads/{thread.pk}/messages").json()
        assert [row["automatic"] for row in rows] == [False, True]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_client_messages_at_once_send_one_reply(escort, profile, client_user):
    """Real connections: both messages are stored, exactly one reply."""
    away_reply_set(actor=escort, profile_id=profile.pk, enabled=False, message=AWAY)
    thread, _ = thread_start(client=client_user, profile_id=profile.pk, body="Hi")
    away_reply_set(actor=escort, profile_id=profile.pk, enabled=True, message=AWAY)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def send(number: int) -> None:
        try:
            barrier.wait(timeout=30)
            message_send(thread_id=thread.pk, sender=client_user, body=f"Hi {number}")
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    runners = [threading.Thread(target=send, args=(n,)) for n in range(2)]
    for runner in runners:
        runner.start()
    for runner in runners:
        runner.join(timeout=60)
    assert not errors, errors
    assert Message.objects.filter(thread=thread, automatic=False).count() == 3
    assert len(_automatic(thread)) == 1
