"""The client's reputation panel on the dashboard home (directory.dashboard): a
line on what providers see and a link to /dashboard/reputation/. No query."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from accounts.models import User
from directory.dashboard import CLIENT, DashboardPanel, dashboard_panels


@receiver(dashboard_panels, dispatch_uid="reviews.reputation_dashboard")
def reputation_panel(
    sender: Any, *, user: User, audience: str, **kwargs: Any
) -> list[DashboardPanel]:
    if audience != CLIENT:
        return []
    return [DashboardPanel("reputation", 60, "reviews/_reputation_panel.html")]
