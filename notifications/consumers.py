"""Notification events on a per-user socket: any consumer that joins the user's
group (core.realtime) mixes this in to forward fresh unread counts."""

from __future__ import annotations

import json


class NotificationEventsMixin:
    async def notification_changed(self, event: dict) -> None:
        payload = {key: value for key, value in event.items() if key != "type"}
        await self.send(text_data=json.dumps({"type": "notification", **payload}))
