"""/ws/messages/: live messages, read receipts, typing and thread updates.

Each socket joins its user's group. Only the server writes to those groups, and
messaging.fanout sends a new message only to the participants it reads from the
database, as a Fernet token (the channel layer never holds the text): the socket
decrypts, with no query per recipient. Receipts and typing are re-read through
the scoped selectors. Sending goes through the same service as the REST API:
stored first, fanned out after commit: the store runs in the database thread
and hands back the events, which the consumer sends from the event loop."""

from __future__ import annotations

import json

from channels.db import database_sync_to_async

from core import crypto
from core.consumers import CLOSE_BAD_FRAME, CLOSE_UNAUTHENTICATED, UserGroupConsumer
from core.exceptions import ApplicationError
from core.realtime import user_group, users_send
from messaging.fanout import Sends, fanout_deferred, participants_send
from messaging.selectors import thread_get_for
from messaging.services import message_send, thread_mark_read
from notifications.consumers import NotificationEventsMixin

__all__ = ["CLOSE_BAD_FRAME", "CLOSE_UNAUTHENTICATED", "MessagesConsumer"]
MAX_FRAME_BYTES = 16_384  # messages are longer than the echo's frames


class MessagesConsumer(NotificationEventsMixin, UserGroupConsumer):
    def group_name(self, user_id: int) -> str:
        return user_group(user_id)

    async def receive(
        self, text_data: str | None = None, bytes_data: bytes | None = None
    ) -> None:
        if text_data is None or len(text_data) > MAX_FRAME_BYTES:
            await self.close(code=CLOSE_BAD_FRAME)
            return
        try:
            frame = json.loads(text_data)
            kind, thread_id = frame["type"], int(frame["thread"])
        except (ValueError, KeyError, TypeError):
            await self._error("bad_frame", "Send JSON with a type and a thread id.")
            return
        handler = {"send": self._send, "read": self._read, "typing": self._typing}
        if kind not in handler:
            await self._error("bad_frame", "Unknown type.")
            return
        try:
            await handler[kind](thread_id, frame)
        except ApplicationError as error:
            await self._error(error.code, error.message, fields=error.fields)

    async def _error(self, code: str, message: str, fields: dict | None = None) -> None:
        await self.send(
            text_data=json.dumps(
                {
                    "type": "error",
                    "code": code,
                    "message": message,
                    "fields": fields or {},
                }
            )
        )

    async def _send(self, thread_id: int, frame: dict) -> None:
        body = frame.get("body")
        if not isinstance(body, str):
            await self._error("validation_error", "A message needs a text body.")
            return
        sends = await database_sync_to_async(self._store)(thread_id, body)
        await users_send(sends)

    def _store(self, thread_id: int, body: str) -> Sends:
        """Stored and committed here, in the database thread; the fan-out is
        collected and sent by the caller from the event loop (messaging.fanout)."""
        with fanout_deferred() as sends:
            message_send(thread_id=thread_id, sender=self.user, body=body)
        return sends

    async def _read(self, thread_id: int, frame: dict) -> None:
        try:
            up_to = int(frame.get("up_to"))
        except (TypeError, ValueError):
            await self._error("validation_error", "up_to must be a message id.")
            return
        sends = await database_sync_to_async(self._mark_read)(thread_id, up_to)
        await users_send(sends)

    def _mark_read(self, thread_id: int, up_to: int) -> Sends:
        with fanout_deferred() as sends:
            thread = thread_mark_read(
                thread_id=thread_id, user=self.user, up_to_id=up_to
            )
            event = {"type": "read.receipt", "thread": thread.pk, "by": self.user.pk}
            participants_send(thread=thread, event=event, exclude=self.user.pk)
        return sends

    async def _typing(self, thread_id: int, frame: dict) -> None:
        sends = await database_sync_to_async(self._typing_sends)(thread_id)
        await users_send(sends)

    def _typing_sends(self, thread_id: int) -> Sends:
        """One trip to the database thread: the scoped read and the recipients."""
        with fanout_deferred() as sends:
            thread = thread_get_for(user=self.user, thread_id=thread_id)
            event = {"type": "typing", "thread": thread.pk, "by": self.user.pk}
            participants_send(thread=thread, event=event, exclude=self.user.pk)
        return sends

    # --- events from the channel layer: ids only, re-read under the user's scope

    async def message_created(self, event: dict) -> None:
        """Sent only to the participants' groups (messaging.fanout decides them
        from the database), so the socket has no query to make: it decrypts."""
        payload = {
            "type": "message",
            "id": event["id"],
            "thread": event["thread"],
            "mine": event["sender"] == self.user.pk,
            "body": crypto.decrypt(event["token"]),
            "attachment": event["attachment"],
            "created_at": event["created_at"],
            # An away auto-reply, labelled as such by the page (messages.js).
            "automatic": event.get("automatic", False),
        }
        await self.send(text_data=json.dumps(payload))

    async def read_receipt(self, event: dict) -> None:
        payload = await database_sync_to_async(self._receipt)(event["thread"])
        if payload is not None:
            await self.send(text_data=json.dumps(payload))

    def _receipt(self, thread_id: int) -> dict | None:
        try:
            thread = thread_get_for(user=self.user, thread_id=thread_id)
        except ApplicationError:
            return None
        other = "provider" if thread.client_id == self.user.pk else "client"
        return {
            "type": "read",
            "thread": thread.pk,
            "up_to": getattr(thread, f"{other}_last_read_id"),
        }

    async def thread_changed(self, event: dict) -> None:
        await self.send(
            text_data=json.dumps(
                {"type": "thread", "thread": event["thread"], "change": event["change"]}
            )
        )

    async def typing(self, event: dict) -> None:
        await self.send(
            text_data=json.dumps({"type": "typing", "thread": event["thread"]})
        )
