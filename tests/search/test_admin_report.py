"""The search queries report: editors and moderators see the most searched texts
and the ones that found nothing; clients never do."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import Role, User
from search.models import SearchQueryLog
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/cms/reports/search-queries/"


def staff_in(group_name: str) -> User:
    user = UserFactory(role=Role.STAFF)
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def editor() -> User:
    return staff_in("Editors")


def log(query: str, *, results: int, latency: int, days_ago: int = 0) -> None:
    entry = SearchQueryLog.objects.create(
        query=query, result_count=results, latency_ms=latency
    )
    created = timezone.now() - dt.timedelta(days=days_ago, minutes=1)
    SearchQueryLog.objects.filter(pk=entry.pk).update(created_at=created)


@pytest.fixture
def queries() -> None:
    for _ in range(3):
        log("dinner date", results=12, latency=10)
    log("dinner date", results=6, latency=20)
    log("opera", results=4, latency=8)
    log("opera", results=4, latency=8, days_ago=10)
    log("opera", results=4, latency=8, days_ago=12)
    log("zyxw", results=0, latency=5)
    log("zyxw", results=0, latency=7, days_ago=3)
    log("salsa", results=0, latency=9, days_ago=20)
    log("ancient", results=0, latency=9, days_ago=45)  # beyond every period
    log("", results=300, latency=30)  # filters only: not a query


def rows(response) -> list[tuple]:  # noqa: ANN001
    assert response.status_code == 200, response.content[:300]
    return [
        (
            r["query"],
            r["searches"],
            round(r["avg_results"], 1),
            round(r["avg_latency_ms"], 1),
        )
        for r in response.context["object_list"]
    ]


def test_editor_sees_top_queries_of_the_last_30_days(
    client, editor, queries, admin_login
):
    admin_login(client, editor)

    assert rows(client.get(URL)) == [
        ("dinner date", 4, 10.5, 12.5),
        ("opera", 3, 4.0, 8.0),
        ("zyxw", 2, 0.0, 6.0),
        ("salsa", 1, 0.0, 9.0),
    ]


def test_the_last_7_days_and_zero_results_narrow_the_report(
    client, editor, queries, admin_login
):
    admin_login(client, editor)

    assert [r[:2] for r in rows(client.get(URL, {"period": "7"}))] == [
        ("dinner date", 4),
        ("zyxw", 2),
        ("opera", 1),
    ]
    assert rows(client.get(URL, {"zero_results": "true"})) == [
        ("zyxw", 2, 0.0, 6.0),
        ("salsa", 1, 0.0, 9.0),
    ]
    assert rows(client.get(URL, {"zero_results": "true", "period": "7"})) == [
        ("zyxw", 2, 0.0, 6.0)
    ]


def test_the_page_shows_the_queries_and_the_reports_menu_lists_it(
    client, editor, queries, admin_login
):
    admin_login(client, editor)

    page = client.get(URL).content.decode()
    assert "dinner date" in page and "zyxw" in page
    assert URL in client.get("/cms/").content.decode()


def test_a_moderator_sees_the_report(client, queries, admin_login):
    admin_login(client, staff_in("Moderators"))

    assert rows(client.get(URL))[0][0] == "dinner date"


def test_a_client_never_sees_it(client, client_user, queries):
    client.force_login(client_user)

    response = client.get(URL)

    assert response.status_code in (302, 403)
    assert b"dinner date" not in response.content


def test_staff_outside_the_groups_is_refused(client, queries, admin_login):
    staff = UserFactory(role=Role.STAFF, is_staff=True)
    staff.groups.add(Group.objects.get(name="Editors"))
    admin_login(client, staff)
    assert client.get(URL).status_code == 200

    staff.groups.clear()
    response = client.get(URL)
    assert response.status_code in (302, 403)
    assert b"dinner date" not in response.content


def test_the_report_costs_the_same_queries_for_5_or_60_texts(
    client, editor, django_assert_max_num_queries, admin_login
):
    admin_login(client, editor)
    for n in range(5):
        log(f"few {n}", results=n, latency=n)
    with django_assert_max_num_queries(20) as few:
        client.get(URL)
    for n in range(55):
        log(f"many {n}", results=n, latency=n)

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(URL)

    assert len(response.context["object_list"]) == 50  # one page
