"""Per-user WebSocket groups. Every signed-in socket joins its user's group, and
any app pushes events for that user through ``user_send``: best effort by
design (docs/architecture.md, invariant 6), since what matters is already in the
database."""

from __future__ import annotations

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

logger = logging.getLogger(__name__)


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def user_send(user_id: int, event: dict) -> bool:
    """Send one event to a user's sockets; a layer failure is logged, not raised."""
    try:
        async_to_sync(get_channel_layer().group_send)(user_group(user_id), event)
    except Exception:  # noqa: BLE001 - best effort by design
        logger.warning("event not delivered to user %s", user_id, exc_info=True)
        return False
    return True
