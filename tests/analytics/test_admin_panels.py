"""The "Business at a glance" panel on the Wagtail admin home: its figures for
scripted data, the same number of queries for small and larger data, and who
sees it."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Role
from analytics.retention import retention_cohorts
from bookings.models import Booking
from messaging.models import Thread
from tests.factories import UserFactory
from tests.factories.business_figures import (
    active,
    at,
    booking,
    message,
    search,
    signup,
)
from tests.mfa import login_with_mfa

pytestmark = pytest.mark.django_db

HOME = "/cms/"
# Wagtail's own home panels and ours (seventeen, five of them the moderation
# figures), and the site-permission check behind the "Site settings" menu item
# (docs/operations.md): whatever the volume.
MAX_QUERIES = 37


def panel_of(html: str) -> str:
    start = html.index('id="business-at-a-glance')
    return html[start : start + 40000]


def world(profiles, size: int) -> None:  # noqa: ANN001
    now = timezone.now()
    today = timezone.localdate()
    client = UserFactory(role=Role.CLIENT)
    thread = Thread.objects.create(client=client, profile=profiles[0])
    for n in range(size):
        user = signup(now - dt.timedelta(days=n % 20), role=Role.CLIENT)
        active(user, today.isoformat())
        booking(
            profiles[n % 2], now - dt.timedelta(days=1), status=Booking.Status.COMPLETED
        )
        message(thread, client, now - dt.timedelta(hours=n + 1))
        search(now - dt.timedelta(days=1), results=0, query=f"query {n % 7}")


@pytest.fixture
def analyst_client(client, analyst):  # noqa: ANN001, ANN201
    login_with_mfa(client, analyst)
    return client


def test_panel_figures(analyst_client, profiles):
    now = timezone.now()
    signup(now - dt.timedelta(days=3), role=Role.ESCORT)
    signup(now - dt.timedelta(days=4), role=Role.CLIENT)
    signup(now - dt.timedelta(days=40), role=Role.CLIENT)  # the 30 days before
    client = signup(now - dt.timedelta(days=2), role=Role.CLIENT)
    active(client, timezone.localdate().isoformat())
    booking(profiles[0], now - dt.timedelta(days=1), status=Booking.Status.COMPLETED)
    booking(profiles[1], now - dt.timedelta(days=1), status=Booking.Status.DECLINED)
    booking(profiles[1], now - dt.timedelta(days=2), status=Booking.Status.DECLINED)
    thread = Thread.objects.create(client=client, profile=profiles[0])
    message(thread, client, now - dt.timedelta(hours=2))
    search(now - dt.timedelta(days=1), results=0, query="lisbon")
    search(now - dt.timedelta(days=2), results=0, query="lisbon")
    search(now - dt.timedelta(days=20), results=0, query="too old")

    html = panel_of(analyst_client.get(HOME).content.decode())
    assert "Business at a glance" in html
    assert '<tr data-status="declined"><th scope="row">Declined</th><td>2</td>' in html
    assert (
        '<tr data-status="completed"><th scope="row">Completed</th><td>1</td>' in html
    )
    assert re.search(r'data-days="1">1<', html)
    assert "“lisbon” — 2" in html
    assert "too old" not in html
    assert 'data-figure="messages">1 ' in html
    assert 'data-figure="retention"' in html
    # The analyst is not a moderator: the queue figures are shown here.
    assert 'data-figure="moderation"' in html


def test_signups_by_role_against_the_previous_period(analyst_client):
    now = timezone.now()
    signup(now - dt.timedelta(days=3), role=Role.ESCORT)
    signup(now - dt.timedelta(days=4), role=Role.ESCORT)
    signup(now - dt.timedelta(days=40), role=Role.ESCORT)
    signup(now - dt.timedelta(days=41), role=Role.AGENCY)
    html = panel_of(analyst_client.get(HOME).content.decode())
    assert '<tr><th scope="row">Escort</th><td>2</td><td>1</td></tr>' in html
    assert '<tr><th scope="row">Agency</th><td>0</td><td>1</td></tr>' in html


def test_the_home_page_runs_constant_queries(analyst_client, profiles):
    # The first request fills per-process caches (content types, the site):
    # measured from the second one on.
    analyst_client.get(HOME)
    counts = []
    for size in (2, 12):
        world(profiles, size)
        with CaptureQueriesContext(connection) as captured:
            assert analyst_client.get(HOME).status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1], counts
    assert counts[0] <= MAX_QUERIES, counts


def test_others_do_not_see_the_panel(client):
    editor = UserFactory(role=Role.STAFF)
    editor.groups.add(Group.objects.get(name="Editors"))
    login_with_mfa(client, editor)
    html = client.get(HOME).content.decode()
    assert "Business at a glance" not in html


def test_a_superuser_moderator_gets_a_link_instead_of_the_queue(client):
    boss = UserFactory(role=Role.STAFF, is_superuser=True, is_staff=True)
    login_with_mfa(client, boss)
    html = panel_of(client.get(HOME).content.decode())
    assert 'data-figure="moderation-link"' in html
    assert 'data-figure="moderation"' not in html


def test_retention_by_signup_week():
    today = dt.date(2026, 3, 18)  # a Wednesday; its week starts on 16 March
    early = [signup(at("2026-03-02", 10)) for _ in range(4)]  # week of 2 March
    late = signup(at("2026-03-10", 10))  # week of 9 March
    signup(at("2026-03-03", 10), role=Role.STAFF)  # staff are no cohort
    active(early[0], "2026-03-02", "2026-03-09", "2026-03-17")
    active(early[1], "2026-03-03", "2026-03-04")
    active(early[2], "2026-03-11")
    active(late, "2026-03-10", "2026-03-16")

    cohorts = retention_cohorts(today=today, weeks=3)
    assert [c.week for c in cohorts] == [
        dt.date(2026, 3, 16),
        dt.date(2026, 3, 9),
        dt.date(2026, 3, 2),
    ]
    newest, middle, oldest = cohorts
    assert (newest.size, newest.active) == (0, [0])
    assert newest.shares == [None]
    assert (middle.size, middle.active) == (1, [1, 1])
    assert (oldest.size, oldest.active) == (4, [2, 2, 1])
    assert oldest.shares == [50, 50, 25]


def test_the_retention_table_has_a_column_per_week(analyst_client):
    html = panel_of(analyst_client.get(HOME).content.decode())
    table = html[html.index('data-figure="retention"') :]
    header = table[: table.index("</thead>")]
    assert header.count("Week ") == 8  # week 0 to 7 for the oldest of 8 cohorts
