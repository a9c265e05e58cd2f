"""After a message is committed: push it to every participant's WebSocket group
(best effort, docs/architecture.md, invariant 6: clients resync by last id). The
email notice is an outbox entry written with the message (core.outbox)."""

from __future__ import annotations

from django.db import transaction

from core.realtime import user_send
from messaging.models import Message, Thread
from messaging.selectors import attachment_data


def participant_ids(thread: Thread) -> set[int]:
    from messaging.services import provider_users

    providers = provider_users(thread.profile).values_list("pk", flat=True)
    return {thread.client_id, *providers}


def participants_send(
    *, thread: Thread, event: dict, exclude: int | None = None
) -> None:
    """One event to every participant's sockets; a layer failure is logged, not
    raised: what matters is already in the database."""
    for user_id in participant_ids(thread) - {exclude}:
        user_send(user_id, event)


def message_created_fanout(*, message_id: int) -> None:
    message = (
        Message.objects.select_related("thread__profile", "attachment")
        .filter(pk=message_id)
        .first()
    )
    if message is None:
        return
    attachment = getattr(message, "attachment", None)
    # The participants are decided here, from the database; each socket only
    # decrypts. The channel layer carries the Fernet token, never the text.
    participants_send(
        thread=message.thread,
        event={
            "type": "message.created",
            "thread": message.thread_id,
            "id": message.pk,
            "sender": message.sender_id,
            "token": message.body_encrypted,
            "created_at": message.created_at.isoformat(),
            "attachment": attachment_data(attachment) if attachment else None,
            "automatic": message.automatic,
        },
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
