"""The admin's Revenue report (admins only) and its CSV export."""

from __future__ import annotations

import csv

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from core.charts import Series, bar_chart
from core.formatting import to_major_units
from subscriptions.revenue import revenue_figures

CHART_WIDTH, CHART_HEIGHT = 640, 200


def user_may_see_revenue(user: object) -> bool:
    return bool(
        getattr(user, "is_active", False) and getattr(user, "is_superuser", False)
    )


def _currency(request: HttpRequest) -> str:
    value = request.GET.get("currency", "EUR").upper()
    return value if len(value) == 3 and value.isalpha() and value.isascii() else "EUR"


def revenue_report(request: HttpRequest) -> HttpResponse:
    if not user_may_see_revenue(request.user):
        raise PermissionDenied
    figures = revenue_figures(currency=_currency(request))
    if request.GET.get("format") == "csv":
        return _csv(figures)
    chart = bar_chart(
        x_labels=[f"{day.date:%d %b}" for day in figures.days],
        series=[
            Series(
                figures.currency,
                [float(to_major_units(day.revenue_minor)) for day in figures.days],
            )
        ],
        title=f"Daily revenue in {figures.currency}",
        unit=figures.currency,
        width=CHART_WIDTH,
        height=CHART_HEIGHT,
    )
    context = {
        "figures": figures,
        "chart": chart,
        "page_title": "Revenue",
        "header_icon": "table",
    }
    return TemplateResponse(request, "subscriptions/admin/revenue.html", context)


def _csv(figures) -> HttpResponse:  # noqa: ANN001 - revenue.Figures
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="revenue-{figures.currency.lower()}.csv"'
    )
    writer = csv.writer(response)
    writer.writerow(["date", "revenue_minor", "refunds_minor", "net_minor", "currency"])
    for day in figures.days:
        writer.writerow(
            [
                day.date.isoformat(),
                day.revenue_minor,
                day.refunds_minor,
                day.net_minor,
                figures.currency,
            ]
        )
    writer.writerow([])
    writer.writerow(["figure", "value"])
    for name, value in (
        ("mrr_minor", figures.mrr_minor),
        ("paid_subscriptions", figures.paid_subscriptions),
        ("churned_30d", figures.churned_30d),
        (
            "churn_rate",
            f"{float(figures.churn_rate):.4f}"
            if figures.churn_rate is not None
            else "",
        ),
        ("revenue_total_minor", figures.revenue_total_minor),
        ("refunds_total_minor", figures.refunds_total_minor),
        ("deposits_held_minor", figures.deposits_held_minor),
        ("deposits_owed_minor", figures.deposits_owed_minor),
    ):
        writer.writerow([name, value])
    return response
