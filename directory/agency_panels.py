"""The dashboard home's agency panel (directory.dashboard.dashboard_panels):
an escort sees who lists them and how to leave; agency staff a link to the
agency dashboard (or to registering one). One query."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from accounts.models import Role, User
from directory.dashboard import PROVIDER, DashboardPanel, dashboard_panels


@receiver(dashboard_panels, dispatch_uid="directory.agency_panels.agency")
def agency_panel(
    sender: Any, *, user: User, audience: str, **kwargs: Any
) -> list[DashboardPanel]:
    if audience != PROVIDER:
        return []
    from directory.agency_selectors import agency_link_of, agency_membership_of

    if user.role == Role.AGENCY:
        context = {"membership": agency_membership_of(user=user)}
    else:
        context = {"link": agency_link_of(user=user)}
    return [DashboardPanel("agency", 15, "directory/agency/_panel.html", context)]
