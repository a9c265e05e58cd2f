"""Business reports (docs/analytics-admin.md): reading a report request, running
it, saved reports and their emailed subscriptions.

A report is a metric of analytics/metrics.py, a breakdown it supports and a
period (analytics/periods.py). The builder page, the CSV/XLSX exports and the
scheduled emails all go through ``report_spec_parse`` and ``report_run``, so
the same input answers the same figures, or the same 400, everywhere."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from analytics.metrics import (
    BREAKDOWNS,
    METRICS,
    TIME_BREAKDOWNS,
    Metric,
    Row,
    metric_rows,
)
from analytics.models import ReportSubscription, SavedReport
from analytics.periods import Period, PeriodInvalid, period_parse
from core.exceptions import NotFound, ValidationFailed

QUICK_DAYS = (7, 30, 90, 365)
DEFAULT_DAYS = 30


class ReportInvalid(ValidationFailed):
    code = "invalid_report"
    default_message = "The report cannot be built from these choices."


@dataclass(frozen=True)
class ReportSpec:
    metric: Metric
    breakdown: str
    period: Period
    range_days: int | None  # a rolling "last N days" range, else fixed dates

    @property
    def breakdown_label(self) -> str:
        return str(BREAKDOWNS[self.breakdown])

    @property
    def title(self) -> str:
        return _("%(metric)s by %(breakdown)s, %(start)s – %(end)s") % {
            "metric": self.metric.label,
            "breakdown": str(BREAKDOWNS[self.breakdown]).lower(),
            "start": self.period.start.isoformat(),
            "end": self.period.end.isoformat(),
        }


@dataclass(frozen=True)
class ReportResult:
    spec: ReportSpec
    rows: list[Row]

    @property
    def is_time(self) -> bool:
        return self.spec.breakdown in TIME_BREAKDOWNS


def _allowed(keys: object) -> str:
    return ", ".join(str(key) for key in keys)


def _metric_error(key: str) -> dict[str, list[str]]:
    if not key:
        return {"metric": [_("Choose a metric.")]}
    message = _("Unknown metric “%(key)s”. Choose one of: %(allowed)s.") % {
        "key": key,
        "allowed": _allowed(METRICS),
    }
    return {"metric": [message]}


def _breakdown_error(metric: Metric, key: str) -> dict[str, list[str]]:
    if key not in BREAKDOWNS:
        message = _("Unknown breakdown “%(key)s”. Choose one of: %(allowed)s.") % {
            "key": key,
            "allowed": _allowed(metric.breakdowns),
        }
    else:
        message = _(
            "%(metric)s cannot be broken down by %(key)s. Choose one of: %(allowed)s."
        ) % {"metric": metric.label, "key": key, "allowed": _allowed(metric.breakdowns)}
    return {"breakdown": [message]}


def report_spec_parse(
    *,
    metric: str,
    breakdown: str,
    days: str | int | None = None,
    start: str | dt.date | None = None,
    end: str | dt.date | None = None,
    today: dt.date | None = None,
) -> ReportSpec:
    """Every problem at once (metric, breakdown, period), as ``ReportInvalid``
    with one message per field: the form shows them all, the exports answer
    400 with them."""
    fields: dict[str, list[str]] = {}
    found = METRICS.get(metric or "")
    if found is None:
        fields.update(_metric_error(metric or ""))
    elif breakdown not in found.breakdowns:
        fields.update(_breakdown_error(found, breakdown or ""))
    try:
        period = period_parse(
            days=days,
            start=start,
            end=end,
            allowed_days=QUICK_DAYS,
            default_days=DEFAULT_DAYS,
            today=today,
        )
    except PeriodInvalid as error:
        fields.update(error.fields)
    if fields:
        first = next(iter(fields.values()))[0]
        raise ReportInvalid(first, fields=fields)
    rolling = None if start not in (None, "") else period.days
    return ReportSpec(
        metric=found, breakdown=breakdown, period=period, range_days=rolling
    )


def report_run(*, spec: ReportSpec) -> ReportResult:
    """One query, whatever the period or the data."""
    rows = metric_rows(metric=spec.metric, period=spec.period, breakdown=spec.breakdown)
    return ReportResult(spec=spec, rows=rows)


# -- saved reports -------------------------------------------------------------


def saved_reports_for(*, user: User) -> QuerySet[SavedReport]:
    """A person's own saved reports, with their own subscription (if any)
    prefetched: two queries for any number of reports. Everyone, superusers
    too, sees only their own: a report is a personal shortcut, and another's
    answers 404 (docs/architecture.md, invariant 8)."""
    mine = ReportSubscription.objects.filter(subscriber=user)
    return SavedReport.objects.filter(owner=user).prefetch_related(
        Prefetch("subscriptions", queryset=mine, to_attr="my_subscriptions")
    )


def saved_report_get(*, user: User, pk: int) -> SavedReport:
    found = saved_reports_for(user=user).filter(pk=pk).first()
    if found is None:
        raise NotFound(_("No such saved report."))
    return found


def saved_report_spec(
    *, report: SavedReport, today: dt.date | None = None
) -> ReportSpec:
    """The saved report's request as of ``today``: a rolling range ends on
    that day; fixed dates stay fixed."""
    if report.range_days:
        today = today or timezone.localdate()
        period = Period(
            start=today - dt.timedelta(days=report.range_days - 1), end=today
        )
    else:
        period = Period(start=report.start_date, end=report.end_date)
    metric = METRICS.get(report.metric)
    if metric is None or report.breakdown not in metric.breakdowns:
        # A metric renamed or dropped since the report was saved.
        raise ReportInvalid(
            _("“%(name)s” asks for a metric or breakdown that no longer exists.")
            % {"name": report.name}
        )
    return ReportSpec(
        metric=metric,
        breakdown=report.breakdown,
        period=period,
        range_days=report.range_days,
    )


def saved_report_create(*, owner: User, name: str, spec: ReportSpec) -> SavedReport:
    name = name.strip()
    if not name:
        raise ReportInvalid(
            _("Give the report a name."), fields={"name": [_("Give it a name.")]}
        )
    fixed = spec.range_days is None
    return SavedReport.objects.create(
        owner=owner,
        name=name[:120],
        metric=spec.metric.key,
        breakdown=spec.breakdown,
        range_days=spec.range_days,
        start_date=spec.period.start if fixed else None,
        end_date=spec.period.end if fixed else None,
    )


def saved_report_delete(*, user: User, pk: int) -> None:
    saved_report_get(user=user, pk=pk).delete()
