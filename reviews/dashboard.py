"""Reviews' panel on a provider's dashboard home (directory.dashboard): the
monthly average rating of the last 12 months, drawn as a small SVG line built
here on the server (no script), and the share of published reviews the
provider replied to. Three queries whatever the number of profiles, months or
reviews: the profiles, the months (one grouped query), the reply rate."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.dispatch import receiver

from accounts.models import User
from directory.dashboard import PROVIDER, DashboardPanel, dashboard_panels
from directory.selectors import profiles_editable_by
from reviews.selectors import monthly_rating_for, reply_rate_for

MONTHS = 12
WIDTH, HEIGHT, PAD = 240, 56, 4  # the sparkline's viewBox, in SVG units


@dataclass(frozen=True)
class Month:
    first: dt.date
    average: Decimal | None
    count: int


@dataclass(frozen=True)
class Sparkline:
    """A polyline over the months that have reviews (a month without any breaks
    the line), and a dot per such month. Rating 5 at the top, 1 at the bottom."""

    path: str
    dots: list[tuple[float, float]]
    width: int = WIDTH
    height: int = HEIGHT


def sparkline(months: list[Month]) -> Sparkline:
    step = (WIDTH - 2 * PAD) / max(len(months) - 1, 1)
    commands, dots, drawing = [], [], False
    for n, month in enumerate(months):
        if month.average is None:
            drawing = False
            continue
        x = round(PAD + n * step, 1)
        y = round(PAD + (5 - float(month.average)) / 4 * (HEIGHT - 2 * PAD), 1)
        commands.append(f"{'L' if drawing else 'M'}{x} {y}")
        dots.append((x, y))
        drawing = True
    return Sparkline(path=" ".join(commands), dots=dots)


@dataclass(frozen=True)
class ReviewStats:
    months: list[Month]
    replied: int
    published: int

    @property
    def reply_rate(self) -> int | None:
        """Percent of published reviews with a reply; None before the first."""
        return round(100 * self.replied / self.published) if self.published else None

    @property
    def has_ratings(self) -> bool:
        return any(m.count for m in self.months)

    @property
    def sparkline(self) -> Sparkline:
        return sparkline(self.months)


def review_stats(*, user: User, today: dt.date | None = None) -> ReviewStats:
    ids = list(profiles_editable_by(user=user).values_list("pk", flat=True))
    months = [
        Month(first, average, count)
        for first, average, count in monthly_rating_for(
            profile_ids=ids, months=MONTHS, today=today
        )
    ]
    replied, published = reply_rate_for(profile_ids=ids)
    return ReviewStats(months=months, replied=replied, published=published)


@receiver(dashboard_panels, dispatch_uid="reviews.dashboard")
def reviews_panel(
    sender: Any, *, user: User, audience: str, **kwargs: Any
) -> list[DashboardPanel]:
    if audience != PROVIDER:
        return []
    context = {"stats": review_stats(user=user), "months": MONTHS}
    return [
        DashboardPanel("review-stats", 45, "reviews/_rating_trend_panel.html", context)
    ]
