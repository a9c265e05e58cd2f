"""Wagtail admin report over the anonymous search query log: what visitors look for,
and what finds nothing."""

from __future__ import annotations

import datetime as dt

import django_filters
from django.core.exceptions import PermissionDenied
from django.db.models import Avg, Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.reports import ReportView

from accounts.models import User
from search.models import SearchQueryLog

PERIODS = (7, 30)
LONGEST_PERIOD = max(PERIODS)


def user_may_see_search_report(user: User) -> bool:
    """Editors and Moderators hold the permission (search/migrations/0002).
    ``has_perm`` reads Django's per-request permission cache, which the admin
    menu has already filled: no query of its own."""
    return (
        user.is_authenticated
        and user.is_active
        and user.has_perm("search.view_searchquerylog")
    )


def search_query_report(*, logs: QuerySet[SearchQueryLog]) -> QuerySet:
    """One row per normalised query text: searches, average results and latency.
    Searches without text (filters only) are not queries and stay out."""
    return (
        logs.exclude(query="")
        .values("query")
        .annotate(
            searches=Count("id"),
            avg_results=Avg("result_count"),
            avg_latency_ms=Avg("latency_ms"),
        )
    )


class SearchQueryFilterSet(WagtailFilterSet):
    period = django_filters.ChoiceFilter(
        label=_("Period"),
        method="filter_period",
        choices=[
            (str(days), _("Last %(days)s days") % {"days": days})
            for days in PERIODS[:-1]
        ],
        empty_label=_("Last %(days)s days") % {"days": LONGEST_PERIOD},
    )
    zero_results = django_filters.BooleanFilter(
        label=_("Zero results only"), method="filter_zero_results"
    )

    class Meta:
        model = SearchQueryLog
        fields: list[str] = []

    def filter_period(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(
            created_at__gte=timezone.now() - dt.timedelta(days=int(value))
        )

    def filter_zero_results(
        self, queryset: QuerySet, name: str, value: bool
    ) -> QuerySet:
        return queryset.filter(result_count=0) if value else queryset


def _rounded(field: str, digits: int = 1):  # noqa: ANN202
    def value(row: dict) -> float | None:
        number = row[field]
        return None if number is None else round(number, digits)

    return value


class SearchQueryReportView(ReportView):
    page_title = _("Search queries")
    header_icon = "search"
    index_url_name = "search_report:index"
    index_results_url_name = "search_report:results"
    filterset_class = SearchQueryFilterSet
    default_ordering = "-searches"
    verbose_name_plural = _("search queries")
    columns = [
        Column("query", label=_("Query (normalised)"), sort_key="query"),
        Column("searches", label=_("Searches"), sort_key="searches"),
        Column(
            "avg_results",
            label=_("Average results"),
            accessor=_rounded("avg_results"),
            sort_key="avg_results",
        ),
        Column(
            "avg_latency_ms",
            label=_("Average latency (ms)"),
            accessor=_rounded("avg_latency_ms"),
            sort_key="avg_latency_ms",
        ),
    ]
    list_export = ["query", "searches", "avg_results", "avg_latency_ms"]
    export_headings = {
        "query": _("Query"),
        "searches": _("Searches"),
        "avg_results": _("Average results"),
        "avg_latency_ms": _("Average latency (ms)"),
    }

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not user_may_see_search_report(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet:
        # Filters narrow the log rows; ordering applies to the aggregated rows.
        since = timezone.now() - dt.timedelta(days=LONGEST_PERIOD)
        logs = self.filter_queryset(
            SearchQueryLog.objects.filter(created_at__gte=since)
        )
        report = search_query_report(logs=logs)
        ordered = self.order_queryset(report)
        # The text breaks ties so pagination never repeats or skips a row.
        return ordered.order_by(*ordered.query.order_by, "query")

    def get_filtered_queryset(self) -> QuerySet:
        return self.get_queryset()
