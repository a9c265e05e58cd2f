"""After a message is committed: push it to every participant's WebSocket group
(best effort, docs/architecture.md, invariant 6: clients resync by last id). The
email notice is an outbox entry written with the message (core.outbox).

A socket that sends runs the store inside ``fanout_deferred()``: the events are
collected when the transaction commits and the consumer sends them from the
event loop once the store returned (committed), instead of the database thread
waiting on the loop for every group send (bench/messaging.py: that thread is
shared by every socket of the process)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction

from core.realtime import user_send
from directory.selectors import profile_provider_user_ids
from messaging.models import Message, MessageAttachment, Thread
from messaging.selectors import attachment_data

Sends = list[tuple[int, dict]]
_deferred: ContextVar[Sends | None] = ContextVar("fanout_deferred", default=None)


def participant_ids(thread: Thread) -> set[int]:
    return {thread.client_id, *profile_provider_user_ids(profile=thread.profile)}


@contextmanager
def fanout_deferred() -> Iterator[Sends]:
    """Collect the (user id, event) pairs fanned out in the block instead of
    sending them; the caller sends them (core.realtime.users_send) after the
    block, that is after commit."""
    sends: Sends = []
    token = _deferred.set(sends)
    try:
        yield sends
    finally:
        _deferred.reset(token)


def participants_send(
    *,
    thread: Thread,
    event: dict,
    exclude: int | None = None,
    user_ids: set[int] | None = None,
) -> None:
    """One event to every participant's sockets (``user_ids`` when the caller
    already read them); a layer failure is logged, not raised: what matters is
    already in the database."""
    recipients = (participant_ids(thread) if user_ids is None else user_ids) - {exclude}
    collecting = _deferred.get()
    for user_id in sorted(recipients):
        if collecting is not None:
            collecting.append((user_id, event))
        else:
            user_send(user_id, event)


def message_event(message: Message, attachment: MessageAttachment | None) -> dict:
    """The participants are decided by the caller, from the database; each
    socket only decrypts. The channel layer carries the Fernet token, never
    the text."""
    return {
        "type": "message.created",
        "thread": message.thread_id,
        "id": message.pk,
        "sender": message.sender_id,
        "token": message.body_encrypted,
        "created_at": message.created_at.isoformat(),
        "attachment": attachment_data(attachment) if attachment else None,
        "automatic": message.automatic,
    }


def message_created_fanout(
    *,
    message: Message,
    attachment: MessageAttachment | None = None,
    user_ids: set[int] | None = None,
) -> None:
    """Called after commit with the stored message in hand: no re-read."""
    participants_send(
        thread=message.thread,
        event=message_event(message, attachment),
        user_ids=user_ids,
    )


def thread_changed_fanout(*, thread: Thread, change: str) -> None:
    """After commit, tell both sides' sockets that the conversation changed
    ("wiped": its messages are gone; "blocked": nobody can write in it)."""
    transaction.on_commit(
        lambda: participants_send(
            thread=thread,
            event={"type": "thread.changed", "thread": thread.pk, "change": change},
        )
    )
