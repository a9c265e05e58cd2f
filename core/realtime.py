"""Per-user WebSocket groups. Every signed-in socket joins its user's group, and
any app pushes events for that user through ``user_send``: best effort by
design (docs/architecture.md, invariant 6), since what matters is already in the
database."""

from __future__ import annotations

import logging
import time

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

logger = logging.getLogger(__name__)

PAUSE_SECONDS = 5.0
_paused_until: dict[int, float] = {}  # per channel layer object


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def user_send(user_id: int, event: dict) -> bool:
    """Send one event to a user's sockets; a layer failure is logged, not raised,
    and pauses sending for a few seconds (a write that notifies several users
    must not wait for a connect timeout per user while Redis is down)."""
    layer = get_channel_layer()
    key = id(layer)
    if _paused_until.get(key, 0.0) > time.monotonic():
        return False
    try:
        async_to_sync(layer.group_send)(user_group(user_id), event)
    except Exception:  # noqa: BLE001 - best effort by design
        _paused_until[key] = time.monotonic() + PAUSE_SECONDS
        logger.warning("event not delivered to user %s", user_id, exc_info=True)
        return False
    return True
