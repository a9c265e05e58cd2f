""" "Business at a glance" on the Wagtail admin home (docs/analytics-admin.md),
for holders of ``analytics.view_business_reports``. Every figure comes from
the metrics registry (analytics/metrics.py), retention from
analytics/retention.py, moderation from moderation.dashboard and the searches
from search.admin_views: nothing is counted twice, and the panel runs the same
number of queries whatever the volume."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from wagtail import hooks
from wagtail.admin.ui.components import Component

from accounts.selectors import user_is_moderator
from analytics.admin_views import user_may_see_business_reports
from analytics.metrics import METRICS, metric_rows, metric_totals, period_last_days
from analytics.periods import Period
from analytics.retention import retention_cohorts
from core.charts import Series, bar_chart, sparkline
from core.formatting import format_money
from moderation.dashboard import moderation_dashboard
from search.admin_views import search_query_report
from search.models import SearchQueryLog

DAYS = 30
SEARCH_DAYS = 7
TOP_SEARCHES = 5


def _signups(today: dt.date) -> dict:
    now = period_last_days(DAYS, today=today)
    current = metric_rows(metric=METRICS["signups"], period=now, breakdown="role")
    before = metric_rows(
        metric=METRICS["signups"], period=now.previous, breakdown="role"
    )
    previous = {row.bucket: row.value for row in before}
    labels = {row.bucket: row.label for row in [*before, *current]}
    values = {row.bucket: row.value for row in current}
    rows = [
        (labels[key], values.get(key, 0), previous.get(key, 0))
        for key in sorted(labels, key=lambda k: -values.get(k, 0))
    ]
    return {
        "signup_rows": rows,
        "signups_total": sum(values.values()),
        "signups_previous": sum(previous.values()),
    }


def _active(today: dt.date) -> list[tuple[int, int]]:
    metric = METRICS["active_users"]
    return [
        (
            days,
            metric_totals(metric=metric, period=period_last_days(days, today=today))[
                ""
            ],
        )
        for days in (1, 7, DAYS)
    ]


def _bookings(period: Period) -> dict:
    rows = metric_rows(metric=METRICS["bookings"], period=period, breakdown="status")
    chart = bar_chart(
        x_labels=[row.label for row in rows],
        series=[
            Series(label=str(METRICS["bookings"].label), values=[r.value for r in rows])
        ],
        title=str(METRICS["bookings"].label),
        height=200,
    )
    return {"booking_rows": rows, "booking_chart": chart}


def _daily(key: str, period: Period) -> dict[str, tuple[int, Any]]:
    """Per currency ("" for counts): the period's total and a sparkline."""
    rows = metric_rows(metric=METRICS[key], period=period, breakdown="day")
    found: dict[str, list[int]] = {}
    for row in rows:
        found.setdefault(row.currency, []).append(row.value)
    return {
        currency: (sum(values), sparkline(values=values, title=str(METRICS[key].label)))
        for currency, values in found.items()
    }


def _searches(now: dt.datetime) -> list[dict]:
    logs = SearchQueryLog.objects.filter(
        created_at__gte=now - dt.timedelta(days=SEARCH_DAYS), result_count=0
    )
    return list(
        search_query_report(logs=logs).order_by("-searches", "query")[:TOP_SEARCHES]
    )


class BusinessPanel(Component):
    name = "business_at_a_glance"
    template_name = "analytics/admin/business_panel.html"
    order = 40  # first: the business figures are what analysts open the admin for

    def __init__(self, *, show_moderation: bool) -> None:
        self.show_moderation = show_moderation

    def get_context_data(self, parent_context: Mapping[str, Any]) -> dict[str, Any]:
        context = super().get_context_data(parent_context)
        now = timezone.now()
        today = timezone.localdate()
        period = period_last_days(DAYS, today=today)
        signups = _daily("signups", period)
        messages = _daily("messages", period)
        revenue = _daily("revenue", period)
        context.update(
            days=DAYS,
            search_days=SEARCH_DAYS,
            active=_active(today),
            cohorts=retention_cohorts(today=today),
            signups_chart=signups[""][1],
            messages_total=messages[""][0],
            messages_chart=messages[""][1],
            revenue=[
                (format_money(total, currency), chart)
                for currency, (total, chart) in sorted(revenue.items())
            ],
            searches=_searches(now),
            search_report_url=reverse("search_report:index")
            + "?"
            + urlencode({"period": SEARCH_DAYS, "zero_results": "true"}),
            reports_url=reverse("business_reports:index"),
            moderation=moderation_dashboard(now=now) if self.show_moderation else None,
            **_signups(today),
            **_bookings(period),
        )
        return context


@hooks.register("construct_homepage_panels")
def add_business_panel(request: HttpRequest, panels: list[Component]) -> None:
    if user_may_see_business_reports(request.user):
        # Moderators already see the moderation panel on this page: the queue
        # figures are shown here only to those who do not.
        panels.append(
            BusinessPanel(show_moderation=not user_is_moderator(user=request.user))
        )
