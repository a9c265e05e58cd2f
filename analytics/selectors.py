"""The figures of the provider and agency dashboards, their CSV and API
(docs/analytics.md, "Provider and agency dashboards"). Reads only: the rows
are written by the flush and the rollup.

Every function here runs a fixed number of queries whatever the number of
profiles or days: ProfileDay is summed by the database, grouped by day (or by
profile), and days without a row are filled with zeros here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields

from django.db.models import QuerySet, Sum
from django.utils.translation import gettext as _

from analytics.models import ProfileDay
from analytics.periods import Period
from core.exceptions import ValidationFailed
from directory.models import EscortProfilePage
from search.exposure import exposure_for_profiles
from search.models import ProfileImpressionDaily

COUNTS = (
    "views",
    "gallery_opens",
    "contact_clicks",
    "conversations",
    "booking_requests",
    "bookings_confirmed",
    "bookings_completed",
    "replies",
    "reply_seconds",
)


def earning_rows(earnings: dict[str, int]) -> list[dict]:
    """Earnings as the API lists them."""
    return [{"currency": c, "amount_minor": m} for c, m in earnings.items()]


def _share(part: int, whole: int) -> float | None:
    """A rate in percent, one decimal; None when there is nothing to divide."""
    return round(100 * part / whole, 1) if whole else None


@dataclass(frozen=True)
class Counts:
    views: int = 0
    gallery_opens: int = 0
    contact_clicks: int = 0
    conversations: int = 0
    booking_requests: int = 0
    bookings_confirmed: int = 0
    bookings_completed: int = 0
    replies: int = 0
    reply_seconds: int = 0
    impressions: int = 0

    @property
    def acceptance(self) -> float | None:
        return _share(self.bookings_confirmed, self.booking_requests)

    @property
    def completion(self) -> float | None:
        return _share(self.bookings_completed, self.bookings_confirmed)

    @property
    def conversion(self) -> float | None:
        """From a profile view to a booking request."""
        return _share(self.booking_requests, self.views)

    @property
    def response_minutes(self) -> float | None:
        """Average time to a first reply."""
        return (
            round(self.reply_seconds / self.replies / 60, 1) if self.replies else None
        )

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            **{
                f.name: getattr(self, f.name) + getattr(other, f.name)
                for f in fields(self)
            }
        )


@dataclass(frozen=True)
class DayFigures(Counts):
    day: dt.date = dt.date.min
    earnings: dict[str, int] = field(default_factory=dict)  # currency: minor

    @property
    def earning_rows(self) -> list[dict]:
        return earning_rows(self.earnings)


@dataclass(frozen=True)
class Figures:
    period: Period
    days: list[DayFigures]
    totals: Counts
    previous: Counts  # the period of the same length just before
    earnings: dict[str, int]  # currency: minor units; empty without payments
    exposure: dict

    @property
    def has_data(self) -> bool:
        return any(self.totals.__dict__.values()) or bool(self.earnings)

    def change(self, name: str) -> float | None:
        """Change of a figure against the previous period, in percent."""
        now, before = getattr(self.totals, name), getattr(self.previous, name)
        if now is None or not before:
            return None
        return round(100 * (now - before) / before, 1)


def _sums(prefix: str = "") -> dict:
    return {name: Sum(f"{prefix}{name}") for name in COUNTS}


def _profile_days(*, profiles: QuerySet, start: dt.date, end: dt.date) -> QuerySet:
    return ProfileDay.objects.filter(
        profile_id__in=profiles.values("pk"), day__range=(start, end)
    )


def _daily_rows(*, profiles: QuerySet, period: Period) -> dict[dt.date, DayFigures]:
    """Query 1 (counts and earnings per day and currency, over this period and
    the previous one) and query 2 (impressions per day)."""
    span = (period.previous.start, period.end)
    rows = (
        _profile_days(profiles=profiles, start=span[0], end=span[1])
        .values("day", "currency")
        .annotate(**_sums(), earnings_minor=Sum("earnings_minor"))
        .order_by()
    )
    impressions = dict(
        ProfileImpressionDaily.objects.filter(
            profile_id__in=profiles.values("pk"), day__range=span
        )
        .values("day")
        .annotate(n=Sum("impressions"))
        .order_by()
        .values_list("day", "n")
    )
    days: dict[dt.date, DayFigures] = {}
    for row in rows:
        day = row.pop("day")
        currency, earned = row.pop("currency"), row.pop("earnings_minor") or 0
        current = days.get(day, DayFigures(day=day))
        earnings = dict(current.earnings)
        if currency and earned:
            earnings[currency] = earnings.get(currency, 0) + earned
        summed = Counts(**{k: current.__dict__[k] + (v or 0) for k, v in row.items()})
        days[day] = DayFigures(**summed.__dict__, day=day, earnings=earnings)
    for day, n in impressions.items():
        current = days.get(day, DayFigures(day=day))
        days[day] = DayFigures(
            **{**current.__dict__, "impressions": current.impressions + (n or 0)}
        )
    return days


def _total(days: list[DayFigures]) -> Counts:
    total = Counts()
    for day in days:
        total = total + Counts(**{f.name: getattr(day, f.name) for f in fields(Counts)})
    return total


def profile_figures(*, profiles: QuerySet, start: dt.date, end: dt.date) -> Figures:
    """Per-day series and totals summed over ``profiles`` (one profile, or an
    agency's), with the previous period for comparison and the exposure share
    against the fair share (search.exposure, its one home). Five queries."""
    period = Period(start=start, end=end)
    found = _daily_rows(profiles=profiles, period=period)
    days = [found.get(day, DayFigures(day=day)) for day in period.dates()]
    before = [found[d] for d in period.previous.dates() if d in found]
    earnings: dict[str, int] = {}
    for day in days:
        for currency, minor in day.earnings.items():
            earnings[currency] = earnings.get(currency, 0) + minor
    exposure = exposure_for_profiles(
        profile_ids=list(profiles.values_list("pk", flat=True)), start=start, end=end
    )
    return Figures(
        period=period,
        days=days,
        totals=_total(days),
        previous=_total(before),
        earnings={c: m for c, m in sorted(earnings.items()) if m},
        exposure=exposure,
    )


# -- the agency's per-escort table ---------------------------------------------

SORTS = {
    "name": lambda row: row.name.casefold(),
    "views": lambda row: row.counts.views,
    "impressions": lambda row: row.counts.impressions,
    "contact_clicks": lambda row: row.counts.contact_clicks,
    "conversations": lambda row: row.counts.conversations,
    "booking_requests": lambda row: row.counts.booking_requests,
    "bookings_confirmed": lambda row: row.counts.bookings_confirmed,
    "bookings_completed": lambda row: row.counts.bookings_completed,
    "conversion": lambda row: row.counts.conversion or 0,
    "acceptance": lambda row: row.counts.acceptance or 0,
    "response_minutes": lambda row: row.counts.response_minutes or 0,
}


@dataclass(frozen=True)
class ProfileRow:
    profile_id: int
    name: str
    slug: str
    counts: Counts
    earnings: dict[str, int]

    @property
    def earning_rows(self) -> list[dict]:
        return earning_rows(self.earnings)


def sort_validate(sort: str | None) -> tuple[str, bool]:
    """``name`` or ``-views`` → (key, descending). Unknown keys are a 400."""
    sort = (sort or "name").strip()
    key, descending = sort.removeprefix("-"), sort.startswith("-")
    if key not in SORTS:
        message = _("Sort by one of: %(keys)s.") % {"keys": ", ".join(SORTS)}
        raise ValidationFailed(message, fields={"sort": [message]})
    return key, descending


def per_profile_table(
    *, profiles: QuerySet, start: dt.date, end: dt.date, sort: str | None = None
) -> list[ProfileRow]:
    """One row per profile with the period's totals: three queries (the
    profiles, ProfileDay grouped by profile and currency, impressions grouped by
    profile). Profiles without figures read 0."""
    key, descending = sort_validate(sort)
    names = {
        pk: (title, slug)
        for pk, title, slug in profiles.order_by().values_list("pk", "title", "slug")
    }
    rows = (
        _profile_days(profiles=profiles, start=start, end=end)
        .values("profile_id", "currency")
        .annotate(**_sums(), earnings_minor=Sum("earnings_minor"))
        .order_by()
    )
    impressions = dict(
        ProfileImpressionDaily.objects.filter(
            profile_id__in=profiles.values("pk"), day__range=(start, end)
        )
        .values("profile_id")
        .annotate(n=Sum("impressions"))
        .order_by()
        .values_list("profile_id", "n")
    )
    counts = {pk: Counts(impressions=impressions.get(pk) or 0) for pk in names}
    earnings: dict[int, dict[str, int]] = {pk: {} for pk in names}
    for row in rows:
        pk = row.pop("profile_id")
        currency, earned = row.pop("currency"), row.pop("earnings_minor") or 0
        counts[pk] = counts[pk] + Counts(**{k: v or 0 for k, v in row.items()})
        if currency and earned:
            earnings[pk][currency] = earnings[pk].get(currency, 0) + earned
    table = [
        ProfileRow(pk, title, slug, counts[pk], earnings[pk])
        for pk, (title, slug) in names.items()
    ]
    table.sort(key=lambda row: row.name.casefold())
    table.sort(key=SORTS[key], reverse=descending)
    return table


def profiles_of_agency(*, agency_id: int) -> QuerySet[EscortProfilePage]:
    """An agency's profiles: the scope of its dashboard (others are 404)."""
    return EscortProfilePage.objects.filter(agency_id=agency_id).order_by("title")
