"""Review analytics: the provider's dashboard panel (monthly average as a
server-drawn SVG line, reply rate) and the admin report "Review statistics"
(reviews per day, median moderation time, hidden share) for moderators only."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import Role
from reviews.dashboard import Month, review_stats, sparkline
from reviews.models import Review
from tests.factories import UserFactory
from tests.factories.reviews import add_review

pytestmark = pytest.mark.django_db

STATS_URL = "/cms/reports/review-statistics/"


def months_ago(n: int, day: int = 10) -> dt.datetime:
    today = timezone.localdate()
    year, month = today.year, today.month - n
    while month < 1:
        year, month = year - 1, month + 12
    return dt.datetime(year, month, day, 12, tzinfo=dt.UTC)


def panel(html: str) -> str:
    start = html.index('data-panel="review-stats"')
    return html[start : html.index("</section>", start)]


# --- Provider panel -----------------------------------------------------------------


def test_monthly_averages_and_reply_rate(sofia):
    add_review(sofia, 5, created_at=months_ago(0), reply="Thank you!")
    add_review(sofia, 4, created_at=months_ago(0))
    add_review(sofia, 2, created_at=months_ago(3), reply="Sorry to hear.")
    add_review(sofia, 5, created_at=months_ago(13))  # older than 12 months
    add_review(sofia, 1, created_at=months_ago(0), status=Review.Status.PENDING)

    stats = review_stats(user=sofia.owner)

    assert len(stats.months) == 12
    assert stats.months[-1].first == timezone.localdate().replace(day=1)
    assert (stats.months[-1].average, stats.months[-1].count) == (Decimal("4.50"), 2)
    assert (stats.months[-4].average, stats.months[-4].count) == (Decimal("2.00"), 1)
    assert [m.count for m in stats.months].count(0) == 10
    # Reply rate over every published review, the old one included: 2 of 4.
    assert (stats.replied, stats.published, stats.reply_rate) == (2, 4, 50)


def test_another_providers_reviews_are_not_counted(sofia, nadia):
    add_review(nadia, 1, created_at=months_ago(0))
    stats = review_stats(user=sofia.owner)
    assert stats.published == 0 and not stats.has_ratings


def test_sparkline_breaks_on_months_without_reviews():
    first = dt.date(2026, 1, 1)
    months = [
        Month(first, Decimal("5.00"), 1),
        Month(first, Decimal("3.00"), 1),
        Month(first, None, 0),
        Month(first, Decimal("1.00"), 2),
    ]
    line = sparkline(months)
    # x from 4 to 236 in three steps; rating 5 at y=4, 1 at y=52.
    assert line.path == "M4.0 4.0 L81.3 28.0 M236.0 52.0"
    assert line.dots == [(4.0, 4.0), (81.3, 28.0), (236.0, 52.0)]


def test_the_dashboard_shows_the_panel_with_an_svg_line(client, sofia):
    add_review(sofia, 5, created_at=months_ago(1), reply="Thank you!")
    add_review(sofia, 3, created_at=months_ago(0))
    client.force_login(sofia.owner)

    html = panel(client.get("/dashboard/").content.decode())

    assert re.search(r'data-figure="published">2<', html)
    assert re.search(r'data-figure="reply_rate">50%<', html)
    assert '<svg class="sparkline"' in html and 'role="img"' in html
    path = re.search(r'class="sparkline__line" d="([^"]+)"', html).group(1)
    assert path.startswith("M") and path.count("L") == 1
    assert "<script" not in html


def test_clients_get_no_rating_trend_panel(client, client_user):
    client.force_login(client_user)
    assert 'data-panel="review-stats"' not in client.get("/dashboard/").content.decode()


def test_the_panel_costs_the_same_queries_for_one_or_many_reviews(
    sofia, django_assert_num_queries
):
    owner = sofia.owner
    add_review(sofia, 5, created_at=months_ago(0))
    with django_assert_num_queries(3):
        review_stats(user=owner)
    for n in range(8):
        add_review(sofia, 1 + n % 5, created_at=months_ago(n), reply="Thanks")
    with django_assert_num_queries(3):
        review_stats(user=owner)


# --- Admin report -------------------------------------------------------------------


def staff_in(group_name: str):  # noqa: ANN201
    user = UserFactory(role=Role.STAFF, is_staff=True)
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def moderated(sofia):
    now = timezone.now()
    for hours, status in (
        (2, Review.Status.PUBLISHED),
        (4, Review.Status.PUBLISHED),
        (10, Review.Status.HIDDEN),
        (30, Review.Status.REJECTED),
    ):
        two_days_ago = now - dt.timedelta(days=2)
        review = add_review(sofia, 4, status=status, created_at=two_days_ago)
        Review.objects.filter(pk=review.pk).update(
            moderated_at=review.created_at + dt.timedelta(hours=hours)
        )
    add_review(sofia, 5, status=Review.Status.PENDING, created_at=now)
    add_review(sofia, 5, created_at=now - dt.timedelta(days=45))  # outside 30 days


def test_moderators_see_reviews_per_day_median_time_and_hidden_share(
    client, moderated, admin_login
):
    admin_login(client, staff_in("Moderators"))
    response = client.get(STATS_URL)
    assert response.status_code == 200
    stats = response.context["stats"]

    assert len(stats.days) == 30
    assert stats.submitted == 5
    today, two_days_ago = stats.days[-1], stats.days[-3]
    assert (today.submitted, today.published) == (1, 0)
    assert (two_days_ago.submitted, two_days_ago.published) == (4, 2)
    assert stats.median_moderation == dt.timedelta(hours=7)  # of 2, 4, 10, 30
    assert stats.moderated == 4
    assert (stats.hidden, stats.went_public, stats.hidden_percent) == (1, 3, 33.3)

    html = response.content.decode()
    assert re.search(r'data-figure="hidden">33.3% \(1 / 3\)<', html)
    assert "7:00:00" in html
    assert STATS_URL in client.get("/cms/").content.decode()


def test_other_staff_and_clients_are_refused(
    client, moderated, admin_login, client_user
):
    admin_login(client, staff_in("Editors"))
    assert client.get(STATS_URL).status_code in (302, 403)
    assert STATS_URL not in client.get("/cms/").content.decode()

    client.force_login(client_user)
    response = client.get(STATS_URL)
    assert response.status_code in (302, 403)
    assert b"Median" not in response.content


def test_the_report_with_no_reviews(client, admin_login):
    admin_login(client, staff_in("Moderators"))
    stats = client.get(STATS_URL).context["stats"]
    assert (stats.submitted, stats.median_moderation, stats.hidden_percent) == (
        0,
        None,
        None,
    )
