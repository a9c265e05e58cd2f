"""Revenue figures for the admin's Revenue report (docs/subscriptions.md,
"Revenue"). Money figures come from the payments ledger (totals by
``payments.selectors.account_balance``, the daily series from the same
entries grouped by day); MRR and churn from the subscriptions themselves.

Definitions (all in one currency, minor units):
- daily revenue: what was credited to platform revenue that day (subscription
  charges and other charges), and what went back by refunds of revenue;
- MRR: the monthly price of every paid plan that is active or in its grace
  period at ``now`` (a pending downgrade counts at the current price);
- churn (last 30 days): paid subscriptions that ended in the window, over those
  that ended plus those still paid at ``now``;
- refunds: refunds of revenue, all time; deposit refunds are not revenue;
- deposits held: client deposits we hold for bookings not settled yet;
- deposits owed: deposits released to providers and not paid out yet."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction

from django.db.models import Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from payments import ledger
from payments.models import LedgerEntry
from payments.selectors import account_balance
from subscriptions.models import Subscription

LIVE = (Subscription.Status.ACTIVE, Subscription.Status.PAST_DUE)


@dataclass(frozen=True)
class Day:
    date: dt.date
    revenue_minor: int
    refunds_minor: int

    @property
    def net_minor(self) -> int:
        return self.revenue_minor - self.refunds_minor


@dataclass(frozen=True)
class Figures:
    currency: str
    days: list[Day]
    mrr_minor: int
    paid_subscriptions: int
    churned_30d: int
    churn_rate: Fraction | None
    revenue_total_minor: int
    refunds_total_minor: int
    deposits_held_minor: int
    deposits_owed_minor: int

    @property
    def churn_percent(self) -> str:
        if self.churn_rate is None:
            return "–"
        return f"{float(self.churn_rate) * 100:.1f} %"

    @property
    def max_day_minor(self) -> int:
        return max([d.revenue_minor for d in self.days] + [1])


def daily_series(*, currency: str, start: dt.date, end: dt.date) -> list[Day]:
    """One Day per calendar date (UTC) from ``start`` to ``end`` inclusive."""
    rows = (
        LedgerEntry.objects.filter(
            currency=currency,
            account__in=[ledger.PLATFORM_REVENUE, ledger.CLIENT_REFUNDS],
            transaction__created_at__date__gte=start,
            transaction__created_at__date__lte=end,
        )
        .annotate(day=TruncDate("transaction__created_at", tzinfo=dt.UTC))
        .values("day", "account")
        .annotate(total=Sum("amount_minor"))
    )
    revenue: dict[dt.date, int] = {}
    refunds: dict[dt.date, int] = {}
    for row in rows:
        if row["account"] == ledger.PLATFORM_REVENUE:
            revenue[row["day"]] = -int(row["total"])  # credits are negative
        else:
            refunds[row["day"]] = int(row["total"])
    days = []
    day = start
    while day <= end:
        days.append(Day(day, revenue.get(day, 0), refunds.get(day, 0)))
        day += dt.timedelta(days=1)
    return days


def revenue_figures(
    *, currency: str = "EUR", now: dt.datetime | None = None, days: int = 30
) -> Figures:
    now = now or timezone.now()
    today = now.astimezone(dt.UTC).date()
    series = daily_series(
        currency=currency, start=today - dt.timedelta(days=days - 1), end=today
    )
    paid = Subscription.objects.filter(
        status__in=LIVE, plan__price_minor__gt=0, plan__currency=currency
    )
    mrr = paid.aggregate(total=Sum("plan__price_minor"))["total"] or 0
    paid_count = paid.count()
    churned = Subscription.objects.filter(
        status=Subscription.Status.CANCELED,
        canceled_at__gt=now - dt.timedelta(days=30),
        canceled_at__lte=now,
    ).count()
    base = paid_count + churned
    owed = (
        LedgerEntry.objects.filter(
            currency=currency, account__startswith=ledger.provider_payable(0)[:-1]
        ).aggregate(total=Sum("amount_minor"))["total"]
        or 0
    )
    return Figures(
        currency=currency,
        days=series,
        mrr_minor=int(mrr),
        paid_subscriptions=paid_count,
        churned_30d=churned,
        churn_rate=Fraction(churned, base) if base else None,
        revenue_total_minor=-account_balance(
            account=ledger.PLATFORM_REVENUE, currency=currency
        ),
        refunds_total_minor=account_balance(
            account=ledger.CLIENT_REFUNDS, currency=currency
        ),
        deposits_held_minor=-account_balance(
            account=ledger.DEPOSITS_HELD, currency=currency
        ),
        deposits_owed_minor=-int(owed),
    )
