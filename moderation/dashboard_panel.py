"""The moderation figures as a panel on the Wagtail admin home, for moderators
and superusers only (accounts.selectors.user_is_moderator). Registered by
importing this module from moderation/wagtail_hooks.py."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from wagtail import hooks
from wagtail.admin.ui.components import Component

from accounts.selectors import user_is_moderator
from moderation.dashboard import APPEAL_DAYS, DECISION_DAYS, moderation_dashboard


class ModerationDashboardPanel(Component):
    name = "moderation_dashboard"
    template_name = "moderation/admin/dashboard_panel.html"
    order = 50  # above Wagtail's own panels: the queue is a moderator's first job

    def get_context_data(self, parent_context: Mapping[str, Any]) -> dict[str, Any]:
        context = super().get_context_data(parent_context)
        figures = moderation_dashboard()
        context.update(
            figures=figures,
            overdue_links=[
                (report, reverse("reports:inspect", args=[report.pk]))
                for report in figures.overdue
            ],
            queue_url=reverse("reports:index"),
            decision_days=DECISION_DAYS,
            appeal_days=APPEAL_DAYS,
        )
        return context


@hooks.register("construct_homepage_panels")
def add_moderation_dashboard(request: HttpRequest, panels: list[Component]) -> None:
    if user_is_moderator(user=request.user):
        panels.append(ModerationDashboardPanel())
