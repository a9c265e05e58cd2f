"""The plan panel on a provider's dashboard home (directory.dashboard): the
plan, its state and a link to /dashboard/subscription/. Two queries."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from accounts.models import Role, User
from directory.dashboard import PROVIDER, DashboardPanel, dashboard_panels
from subscriptions.selectors import effective_plan, subscription_of


@receiver(dashboard_panels, dispatch_uid="subscriptions.dashboard")
def plan_panel(
    sender: Any, *, user: User, audience: str, **kwargs: Any
) -> list[DashboardPanel]:
    if audience != PROVIDER or user.role != Role.ESCORT:
        return []
    sub = subscription_of(user=user)
    live = sub is not None and sub.status != sub.Status.CANCELED
    return [
        DashboardPanel(
            name="plan",
            order=90,
            template="subscriptions/_dashboard_panel.html",
            context={
                "plan": effective_plan(user=user, subscription=sub),
                "subscription": sub if live else None,
            },
        )
    ]
