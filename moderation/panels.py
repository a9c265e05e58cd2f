"""The dashboard home's link to the safety channel, for escorts (directory's
documented signal dashboard_panels)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from accounts.models import Role, User
from directory.dashboard import DashboardPanel, dashboard_panels


@receiver(dashboard_panels, dispatch_uid="moderation.panels.safety")
def safety_panel(
    sender: Any, *, user: User, audience: str, **kwargs: Any
) -> list[DashboardPanel]:
    if user.role != Role.ESCORT:
        return []
    return [DashboardPanel("safety", 90, "moderation/_safety_panel.html")]
