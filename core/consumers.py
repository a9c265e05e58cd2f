"""WebSocket plumbing check: an authenticated echo that goes through the channel
layer (not straight back), so it proves sockets, sessions and Redis work together."""

from __future__ import annotations

import json

from asgiref.sync import sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from core.metrics import websocket_closed, websocket_opened

# Close codes in the 4000–4999 private range (RFC 6455 §7.4.2).
CLOSE_UNAUTHENTICATED = 4401
CLOSE_BAD_FRAME = 4400
CLOSE_ACCOUNT_CLOSED = 4403  # suspended or banned
MAX_FRAME_BYTES = 4096


class UserGroupConsumer(AsyncWebsocketConsumer):
    """A signed-in socket that joins its user's group (``group_name``); an
    anonymous one is closed with CLOSE_UNAUTHENTICATED. Shared by every consumer
    that pushes per-user events."""

    def group_name(self, user_id: int) -> str:
        raise NotImplementedError

    async def connect(self) -> None:
        self.user = self.scope.get("user")
        if self.user is None or not self.user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        self.group = self.group_name(self.user.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        # Open sockets for /metrics, counted in Redis: the ASGI process that
        # holds them is not the one Prometheus scrapes (core/metrics.py).
        await sync_to_async(websocket_opened)(consumer=type(self).__name__)
        self.counted = True

    async def disconnect(self, code: int) -> None:
        if getattr(self, "counted", False):
            self.counted = False
            await sync_to_async(websocket_closed)(consumer=type(self).__name__)
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def account_closed(self, event: dict) -> None:
        """The user was suspended or banned (moderation.decisions): every
        socket of theirs closes now, not at its next frame."""
        await self.close(code=CLOSE_ACCOUNT_CLOSED)


class EchoConsumer(UserGroupConsumer):
    def group_name(self, user_id: int) -> str:
        return f"echo.user.{user_id}"

    async def receive(
        self, text_data: str | None = None, bytes_data: bytes | None = None
    ) -> None:
        if text_data is None or len(text_data) > MAX_FRAME_BYTES:
            await self.close(code=CLOSE_BAD_FRAME)
            return
        try:
            payload = json.loads(text_data)
        except json.JSONDecodeError:
            await self.send(text_data=json.dumps({"type": "error", "code": "bad_json"}))
            return
        await self.channel_layer.group_send(
            self.group, {"type": "echo.message", "payload": payload}
        )

    async def echo_message(self, event: dict) -> None:
        await self.send(
            text_data=json.dumps(
                {
                    "type": "echo",
                    "user": self.scope["user"].email,
                    "payload": event["payload"],
                }
            )
        )
