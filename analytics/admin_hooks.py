"""Business reports in the Wagtail admin (docs/analytics-admin.md): the URLs
under /cms/analytics/reports/, the "Reports → Business reports" menu item, the
"Business at a glance" home panel and the admin stylesheet for charts.
Imported by AnalyticsConfig.ready() (analytics/wagtail_hooks.py is the
events helper's)."""

from __future__ import annotations

from django.http import HttpRequest
from django.templatetags.static import static
from django.urls import include, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from analytics import (
    admin_panels,  # noqa: F401 - registers the home panel
    admin_views,
)
from analytics.admin_views import user_may_see_business_reports


class BusinessReportsMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return user_may_see_business_reports(request.user)


@hooks.register("register_admin_urls")
def register_business_report_urls() -> list:
    urls = [
        path("", admin_views.report_builder, name="index"),
        path("export.csv", admin_views.report_export_csv, name="export_csv"),
        path("export.xlsx", admin_views.report_export_xlsx, name="export_xlsx"),
        path("saved/", admin_views.saved_report_save, name="save"),
        path("saved/<int:pk>/", admin_views.saved_report_detail, name="saved"),
        path(
            "saved/<int:pk>/subscription/",
            admin_views.saved_report_subscribe,
            name="subscribe",
        ),
        path("saved/<int:pk>/delete/", admin_views.saved_report_remove, name="delete"),
    ]
    return [
        path(
            "analytics/reports/",
            include((urls, "business_reports"), namespace="business_reports"),
        )
    ]


@hooks.register("register_reports_menu_item")
def register_business_reports_menu_item() -> MenuItem:
    return BusinessReportsMenuItem(
        _("Business reports"),
        reverse("business_reports:index"),
        name="business-reports",
        icon_name="table",
        order=900,
    )


@hooks.register("insert_global_admin_css")
def analytics_admin_css() -> str:
    return format_html(
        '<link rel="stylesheet" href="{}">', static("css/analytics-admin.css")
    )
