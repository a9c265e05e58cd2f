"""Per-user WebSocket groups. Every signed-in socket joins its user's group, and
any app pushes events for that user through ``user_send`` (sync code) or
``users_send`` (a consumer, on the event loop): best effort by design
(docs/architecture.md, invariant 6), since what matters is already in the
database."""

from __future__ import annotations

import asyncio
import logging
import time

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

logger = logging.getLogger(__name__)

PAUSE_SECONDS = 5.0
_paused_until: dict[int, float] = {}  # per channel layer object


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def _paused(layer: object) -> bool:
    return _paused_until.get(id(layer), 0.0) > time.monotonic()


def _failed(layer: object, user_id: int) -> None:
    """A layer failure pauses sending for a few seconds: a write that notifies
    several users must not wait for a connect timeout per user while Redis is
    down."""
    _paused_until[id(layer)] = time.monotonic() + PAUSE_SECONDS
    logger.warning("event not delivered to user %s", user_id, exc_info=True)


def user_send(user_id: int, event: dict) -> bool:
    """Send one event to a user's sockets; a layer failure is logged, not raised.

    Called from a thread that runs an event loop, the send cannot wait on it
    (async code uses ``users_send``): that is skipped and logged, but it is not
    the layer failing, so it does not pause sending for everyone else."""
    layer = get_channel_layer()
    if _paused(layer):
        return False
    if _loop_running_here():
        logger.warning("event for user %s not sent: called on an event loop", user_id)
        return False
    try:
        async_to_sync(layer.group_send)(user_group(user_id), event)
    except Exception:  # noqa: BLE001 - best effort by design
        _failed(layer, user_id)
        return False
    return True


def _loop_running_here() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


async def users_send(sends: list[tuple[int, dict]]) -> int:
    """``user_send`` from the event loop, for (user id, event) pairs collected
    by a store that has committed (messaging.fanout.fanout_deferred), in their
    order. Returns how many were handed to the layer."""
    layer = get_channel_layer()
    sent = 0
    for user_id, event in sends:
        if _paused(layer):
            break
        try:
            await layer.group_send(user_group(user_id), event)
        except Exception:  # noqa: BLE001 - best effort by design
            _failed(layer, user_id)
            break
        sent += 1
    return sent
