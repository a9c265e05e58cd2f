"""The moderators' figures on the Wagtail admin home (moderation/dashboard.py):
exact on built data, aggregated in a constant number of queries, shown to
moderators only."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import MODERATORS_GROUP, Role, User
from moderation.dashboard import moderation_dashboard
from moderation.models import Appeal, Decision, Report, Statement
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)
HOME = "/cms/"
_keys = itertools.count()


def staff_in(group_name: str, **extra: object) -> User:
    user = UserFactory(role=Role.STAFF, is_staff=True, **extra)
    user.groups.add(Group.objects.get(name=group_name))
    return user


def make_report(
    category: str,
    *,
    created: dt.datetime,
    due: dt.datetime,
    closed: dt.datetime | None = None,
) -> Report:
    target = ContentType.objects.get_for_model(User)
    report = Report.objects.create(
        reporter=None,
        dedupe_key=f"test-{next(_keys)}",
        category=category,
        target_content_type=target,
        target_id=1,
        evidence_encrypted="-",
        due_at=due,
        status="closed" if closed else "open",
        closed_at=closed,
    )
    Report.objects.filter(pk=report.pk).update(created_at=created)
    return report


def make_decision(actor: User | None, *, at: dt.datetime) -> Decision:
    decision = Decision.objects.create(
        action=Decision.Action.SUSPEND,
        reason_code="scam",
        actor=actor,
        automated=actor is None,
    )
    Decision.objects.filter(pk=decision.pk).update(created_at=at)
    return decision


def make_appeal(status: str, *, decided_by: User | None, decided_at, now) -> Appeal:  # noqa: ANN001
    appellant = UserFactory()
    statement = Statement.objects.create(
        decision=make_decision(None, at=now - 200 * DAY),
        user=appellant,
        summary="Suspended",
        ground_clause="4.2",
        ground_title="Scams",
        ground_text="No scams.",
        appeal_until=now + 10 * DAY,
    )
    return Appeal.objects.create(
        statement=statement,
        appellant=appellant,
        text="Please look again.",
        status=status,
        decided_by=decided_by,
        decided_at=decided_at,
        due_at=now + 5 * DAY,
    )


@pytest.fixture
def now() -> dt.datetime:
    return timezone.now()


@pytest.fixture
def moderators() -> dict[str, User]:
    return {
        "ada": staff_in(MODERATORS_GROUP, display_name="Ada", email="ada@mod.test"),
        "ben": staff_in(MODERATORS_GROUP, display_name="Ben", email="ben@mod.test"),
    }


@pytest.fixture
def built(now, moderators) -> dict[str, Report]:
    """Open: two top priority (one overdue), three normal (two overdue).
    Closed in the last 30 days after 2, 4, 10 and 30 hours (median 7 h), and one
    closed 40 days ago after 100 hours (outside). Ada decided 3 times, Ben once
    (and once 45 days ago), the platform once. Appeals in the last 90 days: 1
    reversed, 3 confirmed; one pending and one reversed 100 days ago."""
    reports = {
        "top late": make_report("underage", created=now - 5 * HOUR, due=now - HOUR),
        "top": make_report("trafficking", created=now - 2 * HOUR, due=now + 2 * HOUR),
        "oldest late": make_report("spam", created=now - 9 * DAY, due=now - 2 * DAY),
        "late": make_report("scam", created=now - 8 * DAY, due=now - DAY),
        "normal": make_report("spam", created=now - 4 * DAY, due=now + 3 * DAY),
    }
    for hours, closed_days_ago in ((2, 1), (4, 3), (10, 10), (30, 29), (100, 40)):
        closed = now - closed_days_ago * DAY
        make_report(
            "spam", created=closed - hours * HOUR, due=closed + DAY, closed=closed
        )
    ada, ben = moderators["ada"], moderators["ben"]
    for days_ago in (1, 2, 20):
        make_decision(ada, at=now - days_ago * DAY)
    make_decision(ben, at=now - 3 * DAY)
    make_decision(ben, at=now - 45 * DAY)
    make_decision(None, at=now - DAY)  # the platform lifting a suspension
    for status, days_ago in (
        ("reversed", 5),
        ("confirmed", 6),
        ("confirmed", 30),
        ("confirmed", 89),
        ("reversed", 100),
    ):
        make_appeal(status, decided_by=ben, decided_at=now - days_ago * DAY, now=now)
    make_appeal("pending", decided_by=None, decided_at=None, now=now)
    return reports


def test_the_figures_are_exact(built, now, moderators, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        figures = moderation_dashboard(now=now)

    assert [(q.priority, q.open, q.overdue) for q in figures.queues] == [
        (Report.Priority.TOP, 2, 1),
        (Report.Priority.NORMAL, 3, 2),
    ]
    assert figures.overdue_total == 3
    assert figures.overdue == [built["top late"], built["oldest late"], built["late"]]
    assert figures.median_to_decision == 7 * HOUR
    assert figures.median_hours == 7.0
    assert figures.closed == 4
    assert [(m.moderator_id, m.label, m.decisions) for m in figures.per_moderator] == [
        (moderators["ada"].pk, "Ada", 3),
        (moderators["ben"].pk, "Ben", 1),
    ]
    assert (figures.appeals_decided, figures.appeals_reversed) == (4, 1)
    assert figures.reversal_percent == 25.0


def test_no_data_reads_as_nothing_not_zero_division(now) -> None:
    figures = moderation_dashboard(now=now)

    assert [(q.open, q.overdue) for q in figures.queues] == [(0, 0), (0, 0)]
    assert figures.overdue == [] and figures.per_moderator == []
    assert figures.median_to_decision is None and figures.median_hours is None
    assert figures.reversal_percent is None


def test_at_most_five_overdue_items_are_listed(built, now) -> None:
    for days in range(3, 9):
        make_report("spam", created=now - 10 * DAY, due=now - days * DAY)

    figures = moderation_dashboard(now=now)

    assert figures.overdue_total == 9
    assert len(figures.overdue) == 5
    assert figures.overdue[0] == built["top late"]  # top priority before the oldest
    assert [r.due_at for r in figures.overdue[1:]] == sorted(
        r.due_at for r in figures.overdue[1:]
    )


def test_moderators_see_the_panel_with_links(client, built, moderators, admin_login):
    admin_login(client, moderators["ada"])

    html = client.get(HOME).content.decode()

    assert 'id="moderation-dashboard' in html
    for name in ("top late", "oldest late", "late"):
        assert f'href="/cms/moderation/reports/inspect/{built[name].pk}/"' in html
    assert f'href="/cms/moderation/reports/inspect/{built["top"].pk}/"' not in html
    assert "25.0% (1 / 4)" in html
    assert "7.0 h over 4 closed reports" in html


def test_staff_who_are_not_moderators_do_not_see_it(client, built, admin_login):
    admin_login(client, staff_in("Editors"))

    response = client.get(HOME)

    assert response.status_code == 200
    assert "moderation-dashboard" not in response.content.decode()


def test_the_home_page_queries_do_not_grow_with_the_data(
    client, built, now, moderators, admin_login
):
    admin_login(client, moderators["ada"])
    client.get(HOME)  # warm per-process caches (content types, site)

    with CaptureQueriesContext(connection) as before:
        assert client.get(HOME).status_code == 200
    for days in range(3, 13):
        make_report("spam", created=now - 10 * DAY, due=now - days * DAY)
        make_report("scam", created=now - 3 * DAY, due=now + DAY, closed=now - DAY)
        make_decision(staff_in(MODERATORS_GROUP), at=now - DAY)
    with CaptureQueriesContext(connection) as after:
        assert client.get(HOME).status_code == 200

    assert len(after) == len(before)
