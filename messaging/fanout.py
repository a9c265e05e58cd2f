"""After a message is committed: push it to the conversation's WebSocket group
(best effort, DESIGN invariant 6: clients resync by last id) and queue the
email notice, which never carries the text."""

from __future__ import annotations

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from messaging.models import Message

logger = logging.getLogger(__name__)


def thread_group(thread_id: int) -> str:
    return f"messaging.thread.{thread_id}"


def message_created_fanout(*, message_id: int) -> None:
    from messaging.tasks import notify_new_message

    message = Message.objects.filter(pk=message_id).only("id", "thread_id").first()
    if message is None:
        return
    try:
        async_to_sync(get_channel_layer().group_send)(
            thread_group(message.thread_id),
            {"type": "message.created", "thread": message.thread_id, "id": message.pk},
        )
    except Exception:  # noqa: BLE001 - the layer is best effort; the row is saved
        logger.warning("message %s not fanned out", message_id, exc_info=True)
    notify_new_message.delay(message_id)
