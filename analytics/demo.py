"""Demo figures (docs/analytics.md): 90 days of ProfileDay for every live demo
profile, UserActiveDay for the demo accounts, and search exposure
(ProfileImpressionDaily in each profile's home city, which search's demo does
not seed).

Plausible: a weekly rhythm with Friday and Saturday peaks, a gentle trend per
profile, views far above clicks far above requests (contact clicks 3-8 % of
views), VIP profiles seen and chosen more. Deterministic: each profile's
generator is seeded with its slug, each account's with its email, so a rerun on
the same day writes the same numbers. Idempotent: a rerun replaces the window.

The last two days belong to the real pipeline: their rollup columns are
recomputed by ``profile_days_rollup`` from the demo's own threads, bookings and
deposits right after the seed (as the beat task would), and the flush keeps
adding real views on top.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Callable

from django.db.models import Min
from django.utils import timezone

from accounts.models import Role, User
from analytics.models import ProfileDay, UserActiveDay
from analytics.rollups import profile_days_rollup
from directory.models import EscortProfilePage, ProfileRate
from search.models import ProfileImpressionDaily

DAYS = 90
REAL_DAYS = 2  # today and yesterday: the rollup's
# Monday .. Sunday: weekday evenings pick up, Friday and Saturday peak.
WEEKLY = (0.82, 0.86, 0.92, 1.0, 1.25, 1.38, 1.04)
DEMO_DOMAIN = "@demo.test"


def _count(value: float, rng: random.Random) -> int:
    """Round a rate to a whole count, up with the probability of its fraction,
    so small figures (two requests a day) average right instead of rounding
    to zero."""
    whole = math.floor(max(value, 0.0))
    return whole + (rng.random() < value - whole)


class _Profile:
    """One profile's character: how seen it is, how it converts and answers."""

    def __init__(self, profile: EscortProfilePage, currency: str) -> None:
        rng = random.Random(f"analytics-demo:{profile.slug}")  # noqa: S311 - demo
        self.rng = rng
        vip = 1.9 if profile.is_vip else 1.0
        self.views = rng.lognormvariate(math.log(45), 0.45) * vip
        self.trend = rng.uniform(-0.15, 0.35)  # over the 90 days
        self.gallery = rng.uniform(0.25, 0.45)
        self.contact = rng.uniform(0.03, 0.08) * (1.15 if profile.is_vip else 1.0)
        self.request = rng.uniform(0.2, 0.4)  # of contact clicks
        self.conversation = rng.uniform(0.35, 0.6)  # of contact clicks
        self.confirm = rng.uniform(0.55, 0.85)
        self.reply_minutes = rng.uniform(8, 95)
        self.deposit_minor = rng.choice((3000, 5000, 7500, 10000)) * vip
        self.currency = currency
        self.first_page = rng.uniform(0.25, 0.55) * (1.6 if profile.is_vip else 1)
        self.position = rng.uniform(2, 7) if profile.is_vip else rng.uniform(6, 30)

    def day(self, *, profile_id: int, day: dt.date, age: int) -> ProfileDay:
        """``age``: days before today (89 = the first day of the window)."""
        rng = self.rng
        trend = 1 + self.trend * (DAYS - 1 - age) / (DAYS - 1)
        views = _count(
            self.views * WEEKLY[day.weekday()] * trend * rng.uniform(0.8, 1.2), rng
        )
        contacts = _count(views * self.contact, rng)
        requests = _count(contacts * self.request, rng)
        confirmed = _count(requests * self.confirm, rng)
        completed = _count(confirmed * rng.uniform(0.8, 0.98), rng)
        conversations = _count(contacts * self.conversation, rng)
        replies = _count(conversations * rng.uniform(0.8, 1.1), rng)
        return ProfileDay(
            profile_id=profile_id,
            day=day,
            views=views,
            gallery_opens=_count(views * self.gallery, rng),
            contact_clicks=contacts,
            conversations=conversations,
            booking_requests=requests,
            bookings_confirmed=confirmed,
            bookings_completed=completed,
            replies=replies,
            reply_seconds=int(
                replies * self.reply_minutes * 60 * rng.uniform(0.7, 1.3)
            ),
            earnings_minor=int(completed * self.deposit_minor),
            currency=self.currency if completed else "",
        )

    def impressions(
        self, *, profile_id: int, city_id: int, day: dt.date, views: int
    ) -> ProfileImpressionDaily:
        rng = self.rng
        shown = _count(views * rng.uniform(4, 9), rng)
        first = min(shown, _count(shown * self.first_page, rng))
        return ProfileImpressionDaily(
            profile_id=profile_id,
            city_id=city_id,
            day=day,
            impressions=shown,
            first_page=first,
            position_sum=int(shown * self.position * rng.uniform(0.85, 1.15)),
        )


def _currencies() -> dict[int, str]:
    rows = ProfileRate.objects.values("page_id").annotate(currency=Min("currency"))
    return {row["page_id"]: row["currency"] for row in rows}


def _seed_profiles(*, today: dt.date, first: dt.date) -> tuple[int, int]:
    profiles = list(
        EscortProfilePage.objects.live()
        .only("pk", "slug", "is_vip", "home_city_id")
        .order_by("pk")
    )
    currencies = _currencies()
    days, shown = [], []
    for profile in profiles:
        character = _Profile(profile, currencies.get(profile.pk, "EUR"))
        for age in range(DAYS - 1, -1, -1):
            day = today - dt.timedelta(days=age)
            row = character.day(profile_id=profile.pk, day=day, age=age)
            days.append(row)
            if profile.home_city_id:
                shown.append(
                    character.impressions(
                        profile_id=profile.pk,
                        city_id=profile.home_city_id,
                        day=day,
                        views=row.views,
                    )
                )
    ids = [p.pk for p in profiles]
    ProfileDay.objects.filter(profile_id__in=ids, day__gte=first).delete()
    ProfileImpressionDaily.objects.filter(profile_id__in=ids, day__gte=first).delete()
    ProfileDay.objects.bulk_create(days, batch_size=5000)
    ProfileImpressionDaily.objects.bulk_create(shown, batch_size=5000)
    return len(days), len(shown)


def _joined_day(user: User, rng: random.Random, *, today: dt.date) -> dt.date:
    """A demo account made by this seed gets a sign-up day in the window (staff
    first), so sign-ups by week and retention by sign-up cohort have a history;
    an account older than the window keeps its own."""
    drawn = rng.randint(3, DAYS - 1)  # drawn either way: a rerun draws the same
    joined = timezone.localdate(user.date_joined)
    if joined < today - dt.timedelta(days=1):
        return joined
    return today - dt.timedelta(days=DAYS - 1 if user.is_staff else drawn)


def _seed_active_users(*, today: dt.date, first: dt.date) -> int:
    users = list(
        User.objects.filter(email__endswith=DEMO_DOMAIN)
        .only("pk", "email", "role", "is_staff", "date_joined")
        .order_by("pk")
    )
    rows, joined_rows = [], []
    for user in users:
        rng = random.Random(f"analytics-demo:{user.email}")  # noqa: S311 - demo
        joined = _joined_day(user, rng, today=today)
        if joined != timezone.localdate(user.date_joined):
            user.date_joined = user.date_joined - dt.timedelta(
                days=(timezone.localdate(user.date_joined) - joined).days
            )
            joined_rows.append(user)
        # Providers look in most days; clients come and go, fewer each week.
        client = user.role == Role.CLIENT
        habit = rng.uniform(0.1, 0.5) if client else rng.uniform(0.45, 0.9)
        for age in range((today - max(joined, first)).days, -1, -1):
            day = today - dt.timedelta(days=age)
            weeks = (day - joined).days // 7
            fading = 0.85**weeks if client else 0.97**weeks
            weekend = 1.2 if day.weekday() >= 4 else 1.0
            if day == joined or rng.random() < habit * fading * weekend:
                rows.append(UserActiveDay(user_id=user.pk, day=day))
    User.objects.bulk_update(joined_rows, ["date_joined"])
    UserActiveDay.objects.filter(user__in=users, day__gte=first).delete()
    UserActiveDay.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def seed(*, log: Callable[[str], None]) -> None:
    today = timezone.localdate()
    first = today - dt.timedelta(days=DAYS - 1)
    day_rows, impression_rows = _seed_profiles(today=today, first=first)
    active = _seed_active_users(today=today, first=first)
    # The real rollup owns the last days: the demo's own records set them.
    for age in range(REAL_DAYS):
        profile_days_rollup(day=today - dt.timedelta(days=age))
    log(
        f"analytics: {day_rows} profile days, {impression_rows} impression days, "
        f"{active} active account days ({DAYS} days to {today})"
    )
