"""Retention by sign-up week (docs/analytics-admin.md, "Retention"): for each of
the last cohorts (accounts that joined in one week, Monday first, site time
zone; staff excluded), the share of them active in each later week, from
UserActiveDay. Two queries, whatever the number of accounts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, DateField
from django.db.models.functions import Trunc
from django.utils import timezone

from accounts.models import Role, User
from analytics.models import UserActiveDay

COHORTS = 8


@dataclass(frozen=True)
class Cohort:
    week: dt.date  # the Monday of the sign-up week
    size: int
    active: list[int]  # accounts active in week 0, 1, … since sign-up

    @property
    def shares(self) -> list[int | None]:
        """Whole percent per week since sign-up (None: no accounts)."""
        return [round(100 * n / self.size) if self.size else None for n in self.active]


def retention_cohorts(
    *, today: dt.date | None = None, weeks: int = COHORTS
) -> list[Cohort]:
    """The last ``weeks`` sign-up weeks, newest first; week 0 is the sign-up
    week itself and the current week is the last one counted."""
    zone = timezone.get_default_timezone()
    today = today or timezone.localdate()
    this_week = today - dt.timedelta(days=today.weekday())
    first = this_week - dt.timedelta(weeks=weeks - 1)
    since = dt.datetime.combine(first, dt.time.min, tzinfo=zone)
    joined = Trunc("date_joined", "week", output_field=DateField(), tzinfo=zone)
    sizes = dict(
        User.objects.filter(date_joined__gte=since)
        .exclude(role=Role.STAFF)
        .annotate(cohort=joined)
        .order_by()
        .values_list("cohort")
        .annotate(n=Count("pk"))
    )
    active = (
        UserActiveDay.objects.filter(user__date_joined__gte=since, day__gte=first)
        .exclude(user__role=Role.STAFF)
        .annotate(
            cohort=Trunc(
                "user__date_joined", "week", output_field=DateField(), tzinfo=zone
            ),
            week=Trunc("day", "week", output_field=DateField()),
        )
        .order_by()
        .values_list("cohort", "week")
        .annotate(n=Count("user_id", distinct=True))
    )
    counts = {(cohort, week): n for cohort, week, n in active}
    cohorts = []
    for index in range(weeks):
        week = this_week - dt.timedelta(weeks=index)
        span = (this_week - week).days // 7 + 1
        cohorts.append(
            Cohort(
                week=week,
                size=sizes.get(week, 0),
                active=[
                    counts.get((week, week + dt.timedelta(weeks=n)), 0)
                    for n in range(span)
                ],
            )
        )
    return cohorts
