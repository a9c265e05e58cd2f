"""Moderation admin: the report queue, top priority (a possible minor,
trafficking) first, then the oldest.

Seeing it takes the "view report" permission (the Moderators group has it by
migration; superusers have every permission); other staff do not see it.
Read-only for now: a report's status will change through audited moderation
services (docs/architecture.md, invariant 9), not through an edit form."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from core.wagtail_admin import ReadOnlyModelViewSet
from moderation import dashboard_panel  # noqa: F401 - registers the admin home panel
from moderation.admin_views import LIST_COLUMNS, ReportFilterSet, ReportInspectView
from moderation.models import Report
from moderation.selectors import report_queue


class ReportViewSet(ReadOnlyModelViewSet):
    model = Report
    name = "reports"
    url_prefix = "moderation/reports"
    icon = "warning"
    menu_label = _("Reports")
    menu_order = 250
    add_to_admin_menu = True
    inspect_view_class = ReportInspectView
    list_display = LIST_COLUMNS
    filterset_class = ReportFilterSet
    ordering = ["priority", "created_at", "id"]
    inspect_view_fields = [
        "id",
        "priority",
        "category",
        "status",
        "reporter",
        "target",
        "details",
        "created_at",
    ]

    def get_index_view_kwargs(self, **kwargs) -> dict:  # noqa: ANN003
        return super().get_index_view_kwargs(queryset=report_queue(), **kwargs)


@hooks.register("register_admin_viewset")
def register_report_viewset() -> ReportViewSet:
    return ReportViewSet()
