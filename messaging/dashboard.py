"""Messaging's panel on the dashboard home (directory.dashboard): the newest
conversations with their unread counts, for clients and providers alike (only
the wording differs). Two queries whatever the number of conversations."""

from __future__ import annotations

from typing import Any

from django.db.models import Sum
from django.dispatch import receiver

from accounts.models import User
from directory.dashboard import PROVIDER, DashboardPanel, dashboard_panels
from messaging.selectors import side_of, threads_with_unread_for

RECENT = 5


@receiver(dashboard_panels, dispatch_uid="messaging.dashboard")
def messages_panel(
    sender: Any, *, user: User, audience: str, **kwargs: Any
) -> list[DashboardPanel]:
    threads = threads_with_unread_for(user=user)
    recent = list(threads[:RECENT])
    totals = threads.filter(unread__gt=0).order_by().aggregate(messages=Sum("unread"))
    rows = [
        {
            "thread": thread,
            "other": _other_name(thread, side_of(thread=thread, user=user)),
            "unread": thread.unread,
        }
        for thread in recent
    ]
    context = {
        "rows": rows,
        "unread_total": totals["messages"] or 0,
        "provider": audience == PROVIDER,
    }
    return [DashboardPanel("messages", 40, "messaging/_dashboard_panel.html", context)]


def _other_name(thread: object, side: str) -> str:
    if side == "client":
        return thread.profile.title
    return thread.client.display_name or "Client"
