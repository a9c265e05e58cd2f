from __future__ import annotations

from django.http import HttpRequest
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from search.admin_views import SearchQueryReportView, user_may_see_search_report


class SearchQueryReportMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return user_may_see_search_report(request.user)


@hooks.register("register_admin_urls")
def register_search_report_urls() -> list:
    urls = [
        path("", SearchQueryReportView.as_view(), name="index"),
        path(
            "results/",
            SearchQueryReportView.as_view(results_only=True),
            name="results",
        ),
    ]
    return [
        path(
            "reports/search-queries/",
            include((urls, "search_report"), namespace="search_report"),
        )
    ]


@hooks.register("register_reports_menu_item")
def register_search_report_menu_item() -> MenuItem:
    return SearchQueryReportMenuItem(
        _("Search queries"),
        reverse("search_report:index"),
        name="search-queries",
        icon_name="search",
        order=1000,
    )
