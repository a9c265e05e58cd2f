"""The demo's figures: 90 days for every live profile, plausible shapes (weekly
rhythm, views >> clicks >> requests, VIP higher), the same numbers on a rerun,
and the last days left to the real rollup."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pytest
from django.db.models import Sum
from django.utils import timezone

from accounts.models import Role, User
from analytics import demo
from analytics.models import ProfileDay, UserActiveDay
from search.models import ProfileImpressionDaily
from tests.factories import UserFactory
from tests.factories.pages import make_profile
from tests.factories.search import live_city

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    city = live_city("Madrid", slug="madrid-demo-figures")
    plain = [make_profile(f"Lucia {n}", city=city, slug=f"lucia-{n}") for n in range(3)]
    vip = make_profile("Carmen", city=city, slug="carmen-vip", is_vip=True)
    UserFactory(email="client@demo.test", role=Role.CLIENT)
    UserFactory(email="someone@example.test", role=Role.CLIENT)  # not a demo account
    return {"plain": plain, "vip": vip}


def snapshot() -> list[tuple]:
    return list(
        ProfileDay.objects.order_by("profile_id", "day").values_list(
            "profile_id", "day", "views", "contact_clicks", "booking_requests"
        )
    )


def test_ninety_days_for_every_profile_the_same_on_a_rerun(world):
    demo.seed(log=lambda line: None)
    first = snapshot()
    demo.seed(log=lambda line: None)

    assert snapshot() == first
    assert len(first) == 4 * demo.DAYS
    today = timezone.localdate()
    days = {row[1] for row in first}
    assert min(days) == today - dt.timedelta(days=demo.DAYS - 1)
    assert max(days) == today
    assert ProfileImpressionDaily.objects.count() == 4 * demo.DAYS


def test_the_figures_have_a_plausible_shape(world):
    demo.seed(log=lambda line: None)
    totals = ProfileDay.objects.aggregate(
        views=Sum("views"),
        contacts=Sum("contact_clicks"),
        requests=Sum("booking_requests"),
        gallery=Sum("gallery_opens"),
    )
    assert totals["views"] > totals["gallery"] > totals["contacts"] > totals["requests"]
    assert 0.03 <= totals["contacts"] / totals["views"] <= 0.09

    by_weekday = defaultdict(list)
    for day, views in ProfileDay.objects.values_list("day", "views"):
        by_weekday[day.weekday()].append(views)
    mean = {d: sum(v) / len(v) for d, v in by_weekday.items()}
    assert min(mean[4], mean[5]) > max(mean[0], mean[1])  # Fri, Sat > Mon, Tue

    vip = ProfileDay.objects.filter(profile=world["vip"]).aggregate(v=Sum("views"))
    plain = ProfileDay.objects.filter(profile__in=world["plain"]).aggregate(
        v=Sum("views")
    )
    assert vip["v"] > plain["v"] / 3  # above the average plain profile


def test_the_last_days_are_the_real_rollups(world):
    demo.seed(log=lambda line: None)
    today = timezone.localdate()
    recent = ProfileDay.objects.filter(day__gte=today - dt.timedelta(days=1))
    older = ProfileDay.objects.filter(day__lt=today - dt.timedelta(days=1))

    # No threads or bookings exist here, so the rollup set nothing for them …
    assert recent.aggregate(r=Sum("booking_requests"), c=Sum("conversations")) == {
        "r": 0,
        "c": 0,
    }
    assert recent.aggregate(v=Sum("views"))["v"] > 0  # … while views stay seeded
    assert older.aggregate(r=Sum("booking_requests"))["r"] > 0


def test_active_days_only_for_demo_accounts(world):
    demo.seed(log=lambda line: None)
    emails = set(UserActiveDay.objects.values_list("user__email", flat=True))
    assert emails == {"client@demo.test"}
    count = UserActiveDay.objects.count()
    # A fresh demo account gets a sign-up day in the window, and is active
    # only from then on (retention by sign-up week has a history).
    client = User.objects.get(email="client@demo.test")
    joined = timezone.localdate(client.date_joined)
    assert joined < timezone.localdate() - dt.timedelta(days=2)
    first_active = UserActiveDay.objects.order_by("day").values_list("day", flat=True)
    assert first_active[0] == joined
    demo.seed(log=lambda line: None)
    assert UserActiveDay.objects.count() == count
    client.refresh_from_db()
    assert timezone.localdate(client.date_joined) == joined  # kept on a rerun
