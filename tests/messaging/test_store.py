"""The message store's batches (messaging.store): each draft gets the outcome
it would have had stored alone, refusals cost the others nothing, drafts for
one thread see each other in order, and a batch costs the same queries
whatever its size."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from core.exceptions import NotFound, PermissionDenied, ValidationFailed
from core.models import OutboxEntry
from directory.models import AgencyMembership, EscortProfilePage
from messaging import store
from messaging.models import Block, Message, Thread
from messaging.selectors import threads_for
from messaging.store import MessageDraft, messages_send
from moderation.models import Report
from tests.factories import UserFactory
from tests.factories.analytics import make_agency
from tests.factories.pages import EscortOwnerFactory, make_city, make_profile

pytestmark = pytest.mark.django_db

PHONE = "text me on 0151 2345 6789"  # a contact detail: sent, and flagged


@pytest.fixture
def threads() -> list[Thread]:
    """Five conversations, each a client of its own with a profile of its own."""
    city = make_city("Vienna", slug="vienna-store")
    made = []
    for number in range(5):
        profile = make_profile(f"Store {number}", city=city, owner=EscortOwnerFactory())
        client = UserFactory(role=Role.CLIENT)
        made.append(Thread.objects.create(client=client, profile=profile))
    return made


def _draft(thread: Thread, body: str, *, provider: bool = False) -> MessageDraft:
    sender = thread.profile.owner if provider else thread.client
    return MessageDraft(thread_id=thread.pk, sender=sender, body=body)


def notices() -> list[list[int]]:
    """The new-message notices recorded in the outbox: their message ids."""
    entries = OutboxEntry.objects.filter(task="messaging.tasks.notify_new_message")
    return [entry.args for entry in entries]


def _flagged() -> list[Report]:
    return list(
        Report.objects.filter(
            target_content_type=ContentType.objects.get_for_model(Message),
            automated=True,
        )
    )


def test_refusals_in_a_batch_cost_the_others_nothing(threads):
    ok, foreign, blocked, banned, answer = threads
    Block.objects.create(blocker=blocked.profile.owner, blocked=blocked.client)
    stranger = UserFactory(role=Role.CLIENT)
    drafts = [
        _draft(ok, "Hello there"),
        MessageDraft(thread_id=foreign.pk, sender=stranger, body="Let me in"),
        _draft(blocked, "Why no answer?"),
        _draft(banned, "Are you a teen?"),
        _draft(ok, "   "),
        _draft(answer, "Welcome", provider=True),
    ]
    outcomes = messages_send(drafts=drafts)

    assert [type(outcome) for outcome in outcomes] == [
        Message,
        NotFound,
        PermissionDenied,
        ValidationFailed,
        ValidationFailed,
        Message,
    ]
    assert outcomes[3].fields["body"] and outcomes[4].fields == {
        "body": ["Write a message."]
    }
    stored = Message.objects.order_by("id")
    assert [(m.thread_id, m.sender_id) for m in stored] == [
        (ok.pk, ok.client_id),
        (answer.pk, answer.profile.owner_id),
    ]
    assert [m.pk for m in stored] == [outcomes[0].pk, outcomes[5].pk]
    # One notice recorded per stored message, none for a refused one.
    assert sorted(notices()) == sorted([[outcomes[0].pk], [outcomes[5].pk]])
    for thread in (foreign, blocked, banned):
        thread.refresh_from_db()
        assert thread.last_message_at is None


def test_drafts_for_one_thread_see_each_other_in_order(threads):
    thread = threads[0]
    first, answer, after = messages_send(
        drafts=[
            _draft(thread, f"Hello, {PHONE}"),
            _draft(thread, "Hi, welcome", provider=True),
            _draft(thread, f"Great, {PHONE}"),
        ]
    )
    # Only the message before the provider's answer was checked and flagged.
    assert [report.target_id for report in _flagged()] == [first.pk]
    assert first.pk < answer.pk < after.pk
    thread.refresh_from_db()
    assert thread.client_last_read_id == after.pk
    assert thread.provider_last_read_id == answer.pk
    assert thread.last_message_at == after.created_at


def test_a_refused_first_message_stays_refused_within_the_batch(threads):
    thread = threads[0]
    hello, refused = messages_send(
        drafts=[_draft(thread, "Hello"), _draft(thread, "schoolgirl outfit?")]
    )
    assert isinstance(hello, Message) and isinstance(refused, ValidationFailed)
    assert list(thread.messages.values_list("pk", flat=True)) == [hello.pk]


def test_a_message_brings_the_conversation_back_for_the_other_side(threads):
    thread = threads[0]
    Thread.objects.filter(pk=thread.pk).update(
        provider_archived=True, client_archived=True
    )
    messages_send(drafts=[_draft(thread, "Still there?")])
    thread.refresh_from_db()
    assert thread.provider_archived is False
    assert thread.client_archived is True  # the sender's own choice stands


def test_a_batch_costs_the_same_queries_whatever_its_size(
    threads, django_assert_max_num_queries
):
    """Per round (at most one draft per thread), with both sides writing."""
    with CaptureQueriesContext(connection) as two:
        messages_send(
            drafts=[
                _draft(threads[0], "Hello"),
                _draft(threads[1], "Hi", provider=True),
            ]
        )
    with django_assert_max_num_queries(len(two.captured_queries)):
        messages_send(
            drafts=[_draft(t, "Hello again") for t in threads[:3]]
            + [_draft(t, "Hi", provider=True) for t in threads[3:]]
        )
    assert Message.objects.count() == 2 + 5


def test_a_database_error_stays_with_its_draft(threads, monkeypatch):
    """One draft's failing write rolls the batch back; the others are stored
    again, each on its own, and only that draft reports the error."""
    failing = threads[1]
    written = store._threads_update

    def update(messages, batch):  # noqa: ANN001, ANN202
        if any(m.thread_id == failing.pk for m in messages):
            raise IntegrityError("simulated")
        return written(messages, batch)

    monkeypatch.setattr(store, "_threads_update", update)
    outcomes = messages_send(drafts=[_draft(t, "Hello") for t in threads[:3]])

    assert isinstance(outcomes[1], IntegrityError)
    assert isinstance(outcomes[0], Message) and isinstance(outcomes[2], Message)
    assert set(Message.objects.values_list("thread_id", flat=True)) == {
        threads[0].pk,
        threads[2].pk,
    }
    assert sorted(notices()) == sorted([[outcomes[0].pk], [outcomes[2].pk]])


def test_the_batch_scope_is_threads_for_for_every_kind_of_user():
    """The store decides who may write in a thread from its profile's side
    (messaging.selectors.thread_is_for); that must be threads_for's answer for
    the client, the owner, agency owners and managers, and everyone else."""
    city = make_city("Graz", slug="graz-store")
    agency, agency_owner = make_agency("Store Agency")
    manager = UserFactory(role=Role.AGENCY)
    AgencyMembership.objects.create(agency=agency, user=manager, role="manager")
    _, other_agency_owner = make_agency("Other Agency")
    independent = make_profile("Alone", city=city, owner=EscortOwnerFactory())
    signed = make_profile("Signed", city=city, owner=EscortOwnerFactory())
    EscortProfilePage.objects.filter(pk=signed.pk).update(agency=agency)
    client, stranger = UserFactory(role=Role.CLIENT), UserFactory(role=Role.CLIENT)
    threads = [
        Thread.objects.create(client=client, profile=profile)
        for profile in (independent, signed)
    ]
    people = [
        client,
        stranger,
        independent.owner,
        signed.owner,
        agency_owner,
        manager,
        other_agency_owner,
    ]
    pairs = [(user, thread) for user in people for thread in threads]
    outcomes = messages_send(
        drafts=[
            MessageDraft(thread_id=thread.pk, sender=user, body="Hello")
            for user, thread in pairs
        ]
    )
    stored = {
        (user.pk, thread.pk)
        for (user, thread), outcome in zip(pairs, outcomes, strict=True)
        if not isinstance(outcome, NotFound)
    }
    scoped = {
        (user.pk, thread.pk)
        for user, thread in pairs
        if threads_for(user=user).filter(pk=thread.pk).exists()
    }
    assert stored == scoped
    # Who that is: the client everywhere, each owner in their own, the agency
    # side in its profile's only.
    assert stored == {
        (client.pk, threads[0].pk),
        (client.pk, threads[1].pk),
        (independent.owner.pk, threads[0].pk),
        (signed.owner.pk, threads[1].pk),
        (agency_owner.pk, threads[1].pk),
        (manager.pk, threads[1].pk),
    }
