"""Search's panel on a provider's dashboard home (directory.dashboard): how
often each of their profiles was shown in search results over the last
``DAYS`` days, on the first page, and at what average position. The daily rows
are summed by the database in one grouped query (never a query per day or per
profile); a second query lists the profiles, so one never shown reads 0."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Sum
from django.dispatch import receiver
from django.utils import timezone

from accounts.models import User
from directory.dashboard import PROVIDER, DashboardPanel, dashboard_panels
from directory.selectors import profiles_editable_by
from search.models import ProfileImpressionDaily

DAYS = 30
PROFILES_SHOWN = 20


@dataclass(frozen=True)
class ExposureRow:
    profile_id: int
    name: str
    impressions: int = 0
    first_page: int = 0
    position_sum: int = 0

    @property
    def average_position(self) -> float | None:
        if not self.impressions:
            return None
        return round(self.position_sum / self.impressions, 1)


def exposure_rows(*, user: User, days: int = DAYS) -> list[ExposureRow]:
    today = timezone.localdate()
    start = today - dt.timedelta(days=days - 1)
    profiles = profiles_editable_by(user=user).order_by("title")[:PROFILES_SHOWN]
    names = dict(profiles.values_list("pk", "title"))
    totals = (
        ProfileImpressionDaily.objects.filter(
            profile_id__in=list(names), day__range=(start, today)
        )
        .values("profile_id")
        .annotate(
            impressions=Sum("impressions"),
            first_page=Sum("first_page"),
            position_sum=Sum("position_sum"),
        )
        .order_by()
    )
    found = {row.pop("profile_id"): row for row in totals}
    return [
        ExposureRow(profile_id=pk, name=name, **found.get(pk, {}))
        for pk, name in names.items()
    ]


@receiver(dashboard_panels, dispatch_uid="search.dashboard")
def exposure_panel(
    sender: Any, *, user: User, audience: str, **kwargs: Any
) -> list[DashboardPanel]:
    if audience != PROVIDER:
        return []
    context = {"rows": exposure_rows(user=user), "days": DAYS}
    return [DashboardPanel("exposure", 50, "search/_dashboard_panel.html", context)]
