"""Moderation in the Wagtail admin (docs/moderation-admin.md): the report
queue ("Reports"), the appeals waiting for a decision ("Appeals") and the
suspensions and bans in force ("Sanctions").

Seeing them takes the "view report" permission; acting (assign, decide,
lift) takes "change report" — both granted to the Moderators group by
migrations; superusers have every permission; other staff see none of it.
Reports are never edited through a form: their status changes only through
the audited services of moderation.decisions (docs/architecture.md,
invariant 9), called from moderation.admin_views."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from core.wagtail_admin import ReadOnlyModelViewSet
from moderation import (
    admin_views,
    dashboard_panel,  # noqa: F401 - registers the admin home panel
)
from moderation.admin_views import LIST_COLUMNS, ReportFilterSet, ReportInspectView
from moderation.models import Report
from moderation.selectors import QUEUE_ORDER, report_queue


class ReportViewSet(ReadOnlyModelViewSet):
    model = Report
    name = "reports"
    url_prefix = "moderation/reports"
    icon = "warning"
    menu_label = _("Reports")
    menu_order = 250
    add_to_admin_menu = True
    inspect_view_class = ReportInspectView
    index_template_name = "moderation/admin/report_index.html"
    list_display = LIST_COLUMNS
    filterset_class = ReportFilterSet
    ordering = list(QUEUE_ORDER)
    inspect_view_fields = [
        "id",
        "priority",
        "category",
        "status",
        "due_at",
        "assigned_to",
        "reporter",
        "subject_user",
        "target",
        "details",
        "automated",
        "created_at",
    ]

    def get_index_view_kwargs(self, **kwargs) -> dict:  # noqa: ANN003
        return super().get_index_view_kwargs(queryset=report_queue(), **kwargs)


@hooks.register("register_admin_viewset")
def register_report_viewset() -> ReportViewSet:
    return ReportViewSet()


class ModeratorsMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return admin_views.user_may_view(request.user)


@hooks.register("register_admin_urls")
def register_moderation_urls() -> list:
    appeals = [
        path("", admin_views.appeal_list, name="list"),
        path("<int:pk>/", admin_views.appeal_detail, name="detail"),
    ]
    sanctions = [
        path("", admin_views.sanction_list, name="list"),
        path("<int:pk>/", admin_views.sanction_detail, name="detail"),
    ]
    return [
        path(
            "moderation/appeals/",
            include((appeals, "moderation_appeals"), namespace="moderation_appeals"),
        ),
        path(
            "moderation/sanctions/",
            include(
                (sanctions, "moderation_sanctions"), namespace="moderation_sanctions"
            ),
        ),
    ]


@hooks.register("register_admin_menu_item")
def register_appeals_menu_item() -> MenuItem:
    return ModeratorsMenuItem(
        _("Appeals"),
        reverse("moderation_appeals:list"),
        name="appeals",
        icon_name="help",
        order=251,
    )


@hooks.register("register_admin_menu_item")
def register_sanctions_menu_item() -> MenuItem:
    return ModeratorsMenuItem(
        _("Sanctions"),
        reverse("moderation_sanctions:list"),
        name="sanctions",
        icon_name="lock",
        order=252,
    )
