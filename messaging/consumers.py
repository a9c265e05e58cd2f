"""/ws/messages/: live messages, read receipts, typing and thread updates.

Each socket joins its user's group. Only the server writes to those groups, and
messaging.fanout sends a new message only to the participants it reads from the
database, as a Fernet token (the channel layer never holds the text): the socket
decrypts, with no query per recipient. Receipts and typing are re-read through
the scoped selectors. Sending goes through the same rules as the REST API
(messaging.store): stored first, fanned out after commit. The store runs in
the database thread and hands back the events, which are sent from the event
loop. Messages that arrive on a process's sockets while its database thread is
storing earlier ones wait in ``MessageStoreQueue`` and are stored together, in
one transaction (``messages_send``): one trip to that thread and one commit for
the lot instead of one each (bench/messaging.py)."""

from __future__ import annotations

import asyncio
import json
import weakref

from channels.db import database_sync_to_async

from core import crypto
from core.consumers import CLOSE_BAD_FRAME, CLOSE_UNAUTHENTICATED, UserGroupConsumer
from core.exceptions import ApplicationError
from core.realtime import user_group, users_send
from messaging.fanout import Sends, fanout_deferred, participants_send
from messaging.models import Message
from messaging.selectors import thread_get_for
from messaging.services import thread_mark_read
from messaging.store import MessageDraft, SendOutcome, messages_send
from notifications.consumers import NotificationEventsMixin

__all__ = ["CLOSE_BAD_FRAME", "CLOSE_UNAUTHENTICATED", "MessagesConsumer"]
MAX_FRAME_BYTES = 16_384  # messages are longer than the echo's frames
# At most this many messages per transaction: bounds how long one batch holds
# its threads' row locks.
MAX_BATCH = 50

Waiting = list[tuple[MessageDraft, asyncio.Future[SendOutcome]]]


class MessageStoreQueue:
    """One per event loop (that is, per server process). ``store`` waits while
    the batch before it is in the database thread; whatever queued up meanwhile
    goes next, together. No timer: a lone message is stored at once. A stored
    batch's events are sent while the next batch is stored, in batch order."""

    def __init__(self) -> None:
        self._waiting: Waiting = []
        self._draining = False
        # References keep the tasks alive; the last fan-out is the next one's turn.
        self._drainer: asyncio.Task | None = None
        self._fanout: asyncio.Task | None = None

    async def store(self, draft: MessageDraft) -> Message:
        """The stored message, after its fan-out was handed to the layer; a
        refusal is raised as the ApplicationError message_send would raise."""
        future = asyncio.get_running_loop().create_future()
        self._waiting.append((draft, future))
        if not self._draining:
            self._draining = True
            self._drainer = asyncio.ensure_future(self._drain())
        outcome = await future
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    async def _drain(self) -> None:
        try:
            while self._waiting:
                batch = self._waiting[:MAX_BATCH]
                del self._waiting[:MAX_BATCH]
                try:
                    outcomes, sends = await database_sync_to_async(_store)(
                        [draft for draft, _ in batch]
                    )
                except Exception as error:  # noqa: BLE001 - to every waiting socket
                    outcomes, sends = [error] * len(batch), []
                self._fanout = asyncio.ensure_future(
                    _deliver(self._fanout, sends, batch, outcomes)
                )
        finally:
            self._draining = False


async def _deliver(
    before: asyncio.Task | None, sends: Sends, batch: Waiting, outcomes: list
) -> None:
    """Send a committed batch's events once the batch before it sent its own
    (a participant sees messages in the order they were stored), then answer
    its sockets."""
    try:
        if before is not None:
            await before
        await users_send(sends)
    finally:
        for (_, future), outcome in zip(batch, outcomes, strict=True):
            if not future.done():
                future.set_result(outcome)


def _store(drafts: list[MessageDraft]) -> tuple[list[SendOutcome], Sends]:
    """Stored and committed here, in the database thread; the fan-out is
    collected and sent by the caller from the event loop (messaging.fanout)."""
    with fanout_deferred() as sends:
        outcomes = messages_send(drafts=drafts)
    return outcomes, sends


_queues: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, MessageStoreQueue] = (
    weakref.WeakKeyDictionary()
)


def store_queue() -> MessageStoreQueue:
    loop = asyncio.get_running_loop()
    if loop not in _queues:
        _queues[loop] = MessageStoreQueue()
    return _queues[loop]


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
        await store_queue().store(
            MessageDraft(thread_id=thread_id, sender=self.user, body=body)
        )

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
