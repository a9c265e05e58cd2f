"""The metrics registry: the one home of what each business figure means
(docs/analytics-admin.md, "Metrics"). The report builder, its exports, the
scheduled emails and the admin home panels all read figures through
``metric_rows`` / ``metric_totals``; nothing else counts these things.

Each metric is a base queryset for a period, a time field, an aggregate, and
the breakdowns it supports (a path to group by). One grouped query answers any
(metric, period, breakdown). Days, weeks (Monday first) and months are those
of the site's time zone (``settings.TIME_ZONE``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Count, DateField, F, QuerySet, Sum
from django.db.models.functions import Coalesce, Trunc
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from analytics.models import ProfileDay, UserActiveDay
from analytics.periods import Period
from bookings.models import Booking
from messaging.models import Message
from moderation.models import Report
from payments import ledger
from payments.models import LedgerEntry
from search.models import SearchQueryLog

TIME_BREAKDOWNS = ("day", "week", "month")
BREAKDOWNS: dict[str, str] = {
    "day": _("Day"),
    "week": _("Week"),
    "month": _("Month"),
    "city": _("City"),
    "role": _("Role"),
    "plan": _("Plan"),
    "status": _("Status"),
}
COUNT, MONEY = "count", "money"


def period_bounds(period: Period) -> tuple[dt.datetime, dt.datetime]:
    """[midnight of start, midnight after end) in the site time zone."""
    zone = timezone.get_default_timezone()
    first = dt.datetime.combine(period.start, dt.time.min, tzinfo=zone)
    after = dt.datetime.combine(
        period.end + dt.timedelta(days=1), dt.time.min, tzinfo=zone
    )
    return first, after


def period_last_days(days: int, *, today: dt.date | None = None) -> Period:
    end = today or timezone.localdate()
    return Period(start=end - dt.timedelta(days=days - 1), end=end)


@dataclass(frozen=True)
class Row:
    bucket: str  # machine-readable: an ISO date (day, week start), "YYYY-MM", a key
    label: str
    value: int  # a count, or minor units of ``currency``
    currency: str = ""


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    unit: str  # COUNT or MONEY (integer minor units per currency)
    definition: str
    base: Callable[[], QuerySet]
    time_field: str
    aggregate: Callable[[], object]
    # breakdown -> the path grouped by (time breakdowns use ``time_field``)
    groups: dict[str, str] = field(default_factory=dict)
    time_field_is_date: bool = False
    currency_field: str = ""

    @property
    def breakdowns(self) -> tuple[str, ...]:
        return (*TIME_BREAKDOWNS, *self.groups)

    def in_period(self, period: Period) -> QuerySet:
        if self.time_field_is_date:
            bounds = {
                f"{self.time_field}__gte": period.start,
                f"{self.time_field}__lte": period.end,
            }
        else:
            first, after = period_bounds(period)
            bounds = {f"{self.time_field}__gte": first, f"{self.time_field}__lt": after}
        return self.base().filter(**bounds)


def _plan(path: str) -> str:
    return f"{path}subscription__plan__name"


def _profile_day_metric(*, key: str, label: str, field: str, definition: str) -> Metric:
    """A figure of ``analytics.ProfileDay``, summed over days and profiles."""
    return Metric(
        key=key,
        label=label,
        unit=COUNT,
        definition=definition,
        base=lambda: ProfileDay.objects.all(),
        time_field="day",
        time_field_is_date=True,
        aggregate=lambda: Coalesce(Sum(field), 0),
        groups={
            "city": "profile__home_city__title",
            "plan": _plan("profile__owner__"),
        },
    )


METRICS: dict[str, Metric] = {
    metric.key: metric
    for metric in (
        Metric(
            key="signups",
            label=_("Sign-ups"),
            unit=COUNT,
            definition=_(
                "Accounts created (date joined), staff excluded; plan is the "
                "account's current plan."
            ),
            base=lambda: User.objects.exclude(role=Role.STAFF),
            time_field="date_joined",
            aggregate=lambda: Count("pk"),
            groups={"role": "role", "plan": _plan("")},
        ),
        Metric(
            key="active_users",
            label=_("Active users"),
            unit=COUNT,
            definition=_(
                "Distinct accounts with at least one active day (signed in and "
                "made a request) in the bucket."
            ),
            base=lambda: UserActiveDay.objects.all(),
            time_field="day",
            time_field_is_date=True,
            aggregate=lambda: Count("user_id", distinct=True),
            groups={"role": "user__role"},
        ),
        Metric(
            key="bookings",
            label=_("Booking requests"),
            unit=COUNT,
            definition=_(
                "Bookings requested (created) in the bucket, whatever became of "
                "them; status is their status now, city the booking's city."
            ),
            base=lambda: Booking.objects.all(),
            time_field="created_at",
            aggregate=lambda: Count("pk"),
            groups={"status": "status", "city": "city__title"},
        ),
        Metric(
            key="bookings_completed",
            label=_("Bookings completed"),
            unit=COUNT,
            definition=_(
                "Bookings that became completed that day (daily figures); city "
                "is the profile's home city."
            ),
            base=lambda: ProfileDay.objects.all(),
            time_field="day",
            time_field_is_date=True,
            aggregate=lambda: Coalesce(Sum("bookings_completed"), 0),
            groups={"city": "profile__home_city__title"},
        ),
        Metric(
            key="messages",
            label=_("Messages"),
            unit=COUNT,
            definition=_(
                "Messages people sent (away auto-replies left out); counted "
                "only, never read. Role is the sender's, city the profile's."
            ),
            base=lambda: Message.objects.filter(automatic=False),
            time_field="created_at",
            aggregate=lambda: Count("pk"),
            groups={
                "role": "sender__role",
                "city": "thread__profile__home_city__title",
            },
        ),
        Metric(
            key="revenue",
            label=_("Revenue (net)"),
            unit=MONEY,
            definition=_(
                "Payments ledger: credits to platform revenue less refunds of "
                "revenue, per currency, by the ledger transaction's time. "
                "Deposits held for providers are not revenue."
            ),
            base=lambda: LedgerEntry.objects.filter(
                account__in=[ledger.PLATFORM_REVENUE, ledger.CLIENT_REFUNDS]
            ),
            time_field="transaction__created_at",
            # Revenue credits are negative and refunds positive: the net is
            # minus their sum (subscriptions/revenue.py reads them the same way).
            aggregate=lambda: -Coalesce(Sum("amount_minor"), 0),
            currency_field="currency",
        ),
        _profile_day_metric(
            key="profile_views",
            label=_("Profile views"),
            field="views",
            definition=_(
                "Distinct visitors a day who opened a profile page, summed; "
                "city is the profile's home city, plan its owner's plan."
            ),
        ),
        _profile_day_metric(
            key="contact_clicks",
            label=_("Contact clicks"),
            field="contact_clicks",
            definition=_(
                "Distinct visitors a day who pressed Message or Book on a "
                "profile, summed; city and plan as for profile views."
            ),
        ),
        Metric(
            key="reports_opened",
            label=_("Reports opened"),
            unit=COUNT,
            definition=_(
                "Moderation reports filed (by people or automated checks); "
                "status is their status now."
            ),
            base=lambda: Report.objects.all(),
            time_field="created_at",
            aggregate=lambda: Count("pk"),
            groups={"status": "status"},
        ),
        Metric(
            key="searches_without_results",
            label=_("Searches without results"),
            unit=COUNT,
            definition=_("Searches (text or filters) that found no profile."),
            base=lambda: SearchQueryLog.objects.filter(result_count=0),
            time_field="created_at",
            aggregate=lambda: Count("pk"),
        ),
    )
}

# Display names of grouped keys that are stored as codes.
_ROLE_LABELS = dict(Role.choices)
_STATUS_LABELS = {
    "bookings": dict(Booking.Status.choices),
    "reports_opened": dict(Report.Status.choices),
}
_EMPTY_LABELS = {"city": _("No city"), "plan": _("No plan"), "role": _("None")}


class UnknownMetric(ValueError):
    pass


class UnsupportedBreakdown(ValueError):
    pass


def metric_get(key: str) -> Metric:
    try:
        return METRICS[key]
    except KeyError:
        raise UnknownMetric(key) from None


def _bucket_expression(metric: Metric, breakdown: str) -> object:
    if breakdown in TIME_BREAKDOWNS:
        zone = None if metric.time_field_is_date else timezone.get_default_timezone()
        return Trunc(
            metric.time_field, breakdown, output_field=DateField(), tzinfo=zone
        )
    if breakdown not in metric.groups:
        raise UnsupportedBreakdown(breakdown)
    return F(metric.groups[breakdown])


def metric_rows(*, metric: Metric, period: Period, breakdown: str) -> list[Row]:
    """The metric in the period, one row per bucket (and currency): one query.
    Time buckets without data are filled with zero so charts keep their axis;
    other breakdowns list what was found, largest first."""
    values = ["bucket", *([metric.currency_field] if metric.currency_field else [])]
    found = (
        metric.in_period(period)
        .annotate(bucket=_bucket_expression(metric, breakdown))
        .order_by()
        .values(*values)
        .annotate(value=metric.aggregate())
    )
    rows = [
        (row["bucket"], int(row["value"] or 0), row.get(metric.currency_field, ""))
        for row in found
    ]
    if breakdown in TIME_BREAKDOWNS:
        return _time_rows(rows, period=period, breakdown=breakdown, unit=metric.unit)
    return _group_rows(rows, metric=metric, breakdown=breakdown)


def metric_totals(*, metric: Metric, period: Period) -> dict[str, int]:
    """The metric over the whole period, by currency ("" for counts): one query."""
    if metric.currency_field:
        found = (
            metric.in_period(period)
            .order_by()
            .values(metric.currency_field)
            .annotate(value=metric.aggregate())
        )
        return {row[metric.currency_field]: int(row["value"]) for row in found}
    total = metric.in_period(period).aggregate(value=metric.aggregate())["value"]
    return {"": int(total or 0)}


def _time_buckets(period: Period, breakdown: str) -> list[dt.date]:
    day = period.start
    if breakdown == "week":
        day -= dt.timedelta(days=day.weekday())
    elif breakdown == "month":
        day = day.replace(day=1)
    buckets = []
    while day <= period.end:
        buckets.append(day)
        if breakdown == "day":
            day += dt.timedelta(days=1)
        elif breakdown == "week":
            day += dt.timedelta(days=7)
        else:
            day = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return buckets


def time_bucket_label(day: dt.date, breakdown: str) -> str:
    if breakdown == "month":
        return day.strftime("%b %Y")
    if breakdown == "week":
        return _("Week of %(day)s") % {"day": day.strftime("%d %b %Y")}
    return day.strftime("%d %b %Y")


def _time_key(day: dt.date, breakdown: str) -> str:
    return day.strftime("%Y-%m") if breakdown == "month" else day.isoformat()


def _time_rows(
    rows: list[tuple], *, period: Period, breakdown: str, unit: str
) -> list[Row]:
    values = {(bucket, currency): value for bucket, value, currency in rows}
    currencies = sorted({currency for _, _, currency in rows}) or (
        [] if unit == MONEY else [""]
    )
    return [
        Row(
            bucket=_time_key(day, breakdown),
            label=time_bucket_label(day, breakdown),
            value=values.get((day, currency), 0),
            currency=currency,
        )
        for currency in currencies
        for day in _time_buckets(period, breakdown)
    ]


def _group_label(metric: Metric, breakdown: str, key: object) -> str:
    if key in (None, ""):
        return str(_EMPTY_LABELS.get(breakdown, _("None")))
    if breakdown == "role":
        return str(_ROLE_LABELS.get(key, key))
    if breakdown == "status":
        return str(_STATUS_LABELS.get(metric.key, {}).get(key, key))
    return str(key)


def _group_rows(rows: list[tuple], *, metric: Metric, breakdown: str) -> list[Row]:
    made = [
        Row(
            bucket="" if key is None else str(key),
            label=_group_label(metric, breakdown, key),
            value=value,
            currency=currency,
        )
        for key, value, currency in rows
    ]
    return sorted(made, key=lambda row: (row.currency, -row.value, row.label))
