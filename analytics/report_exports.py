"""A report result as a table, a chart, CSV and XLSX (docs/analytics-admin.md,
"Exports"). Money is kept in integer minor units (``amount_minor``) and also
given in major units (``amount``) for people; counts are plain integers."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl import Workbook

from analytics.metrics import BREAKDOWNS, MONEY
from analytics.reports import ReportResult
from audit.admin_views import FORMULA_STARTS
from core.charts import Chart, Series, bar_chart, line_chart
from core.formatting import format_money, to_major_units

CSV_TYPE = "text/csv; charset=utf-8"
CENTS = Decimal("0.01")  # amounts always with two decimals: 24.90, not 24.9
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _is_money(result: ReportResult) -> bool:
    return result.spec.metric.unit == MONEY


def report_headings(result: ReportResult) -> list[str]:
    if _is_money(result):
        return ["bucket", "label", "currency", "amount_minor", "amount"]
    return ["bucket", "label", "value"]


def _text(value: str) -> str:
    """A label a spreadsheet must not run as a formula (a city or plan named
    "=HYPERLINK(…)"), kept readable behind a quote, as the audit export does."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def report_records(result: ReportResult) -> list[list[object]]:
    """The rows as written to CSV and XLSX, in the headings' order."""
    if _is_money(result):
        return [
            [
                _text(row.bucket),
                _text(row.label),
                row.currency,
                row.value,
                to_major_units(row.value).quantize(CENTS),
            ]
            for row in result.rows
        ]
    return [[_text(row.bucket), _text(row.label), row.value] for row in result.rows]


def report_display_rows(result: ReportResult) -> list[tuple[str, str, str]]:
    """(label, currency, value as people read it) for the page and the email."""
    if _is_money(result):
        return [
            (row.label, row.currency, format_money(row.value, row.currency))
            for row in result.rows
        ]
    return [(row.label, "", f"{row.value:,}") for row in result.rows]


def report_filename(result: ReportResult, extension: str) -> str:
    spec = result.spec
    return (
        f"{slugify(spec.metric.key)}-by-{spec.breakdown}-"
        f"{spec.period.start.isoformat()}-{spec.period.end.isoformat()}.{extension}"
    )


def report_csv(result: ReportResult) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(report_headings(result))
    writer.writerows(report_records(result))
    return out.getvalue()


def report_xlsx(result: ReportResult) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = result.spec.metric.key[:31]
    sheet.append(report_headings(result))
    for record in report_records(result):
        sheet.append([float(v) if isinstance(v, Decimal) else v for v in record])
    if _is_money(result):
        for cell in sheet["E"][1:]:
            cell.number_format = "#,##0.00"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def report_chart(result: ReportResult) -> Chart:
    """A line over time for day/week/month, bars for the other breakdowns; one
    series per currency for money (amounts in major units)."""
    spec = result.spec
    money = _is_money(result)
    currencies = sorted({row.currency for row in result.rows}) or [""]
    labels: list[str] = []
    for row in result.rows:
        if row.label not in labels:
            labels.append(row.label)
    series = []
    for currency in currencies:
        values = {r.label: r.value for r in result.rows if r.currency == currency}
        series.append(
            Series(
                label=currency or str(spec.metric.label),
                values=[
                    float(to_major_units(values.get(label, 0)))
                    if money
                    else values.get(label, 0)
                    for label in labels
                ],
            )
        )
    draw = line_chart if result.is_time else bar_chart
    title = _("%(metric)s by %(breakdown)s") % {
        "metric": spec.metric.label,
        "breakdown": str(BREAKDOWNS[spec.breakdown]).lower(),
    }
    return draw(x_labels=labels, series=series, title=title)
