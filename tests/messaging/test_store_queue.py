"""messaging.consumers.MessageStoreQueue without a database: what arrives
while a batch is stored goes next, together; a batch's events go out while the
next batch is stored, and never before the events of the batch before it."""

from __future__ import annotations

import asyncio
import threading
import time

from messaging import consumers
from messaging.store import MessageDraft


def _draft(body: str) -> MessageDraft:
    return MessageDraft(thread_id=1, sender=None, body=body)  # type: ignore[arg-type]


def test_batches_overlap_their_fan_out_and_keep_its_order(monkeypatch):
    log: list[tuple[str, str]] = []
    first_store_started = threading.Event()

    def store(drafts):  # noqa: ANN001, ANN202 - runs in the database thread
        bodies = [draft.body for draft in drafts]
        log.append(("store", ",".join(bodies)))
        if bodies == ["a"]:
            first_store_started.set()
            time.sleep(0.2)  # b and c arrive meanwhile
        return [f"stored {b}" for b in bodies], [(0, {"body": b}) for b in bodies]

    async def users_send(sends):  # noqa: ANN001, ANN202
        bodies = ",".join(event["body"] for _, event in sends)
        if bodies == "a":
            await asyncio.sleep(0.3)  # slower than the next batch's store
        log.append(("sent", bodies))
        return len(sends)

    monkeypatch.setattr(consumers, "_store", store)
    monkeypatch.setattr(consumers, "users_send", users_send)

    async def scenario() -> list[str]:
        queue = consumers.MessageStoreQueue()
        first = asyncio.ensure_future(queue.store(_draft("a")))
        while not first_store_started.is_set():
            await asyncio.sleep(0.01)
        rest = [asyncio.ensure_future(queue.store(_draft(b))) for b in "bc"]
        return await asyncio.gather(first, *rest)

    outcomes = asyncio.run(scenario())

    assert outcomes == ["stored a", "stored b", "stored c"]
    assert log == [
        ("store", "a"),
        ("store", "b,c"),  # together, and before a's events were out
        ("sent", "a"),
        ("sent", "b,c"),  # after a's, though stored while a's were sent
    ]
