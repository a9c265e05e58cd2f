"""The report queue in the Wagtail admin: order by due time within priority
(overdue marked), the filters, a constant number of queries, the inspect page's
context, "Assign to me" and the action forms, each calling the decision
service and changing state; bad input shows the form's errors and changes
nothing; staff who are not moderators neither see nor act."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Role
from moderation.decisions import decision_take
from moderation.models import Decision, Report, Sanction, Statement
from tests.factories import UserFactory
from tests.moderation.admin_support import (
    REPORTS,
    file_report,
    live_profile,
    moderator,
    staff_in,
)

pytestmark = pytest.mark.django_db

HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)


@pytest.fixture
def profile():  # noqa: ANN201
    return live_profile()


@pytest.fixture
def mod(client, admin_login):  # noqa: ANN001, ANN201
    return admin_login(client, moderator())


def listed(response) -> list[int]:  # noqa: ANN001
    assert response.status_code == 200, response.content[:300]
    return [r.pk for r in response.context["object_list"]]


def inspect(pk: int) -> str:
    return f"{REPORTS}inspect/{pk}/"


# --- The queue ---------------------------------------------------------------------


def test_open_reports_by_due_time_within_priority_overdue_marked(client, mod, profile):
    owner = profile.owner
    normal_late = file_report(profile, subject=owner, due_in=-2 * HOUR)
    normal_soon = file_report(profile, subject=owner, due_in=DAY)
    top_later = file_report(
        profile, subject=owner, category="underage", due_in=3 * HOUR
    )
    top_first = file_report(profile, subject=owner, category="trafficking", due_in=HOUR)
    closed = file_report(profile, subject=owner, category="underage", due_in=-DAY)
    Report.objects.filter(pk=closed.pk).update(
        status="closed", closed_at=timezone.now()
    )

    response = client.get(REPORTS)

    assert listed(response) == [
        top_first.pk,
        top_later.pk,
        normal_late.pk,
        normal_soon.pk,
        closed.pk,
    ]
    html = response.content.decode()
    assert html.count('data-overdue="1"') == 1  # the closed one is not "overdue"
    assert "Overdue by 2\xa0hours" in html
    assert "Assigned to" in html and "Due in" in html


def test_the_filters(client, mod, profile):
    owner = profile.owner
    mine = file_report(profile, subject=owner, due_in=-HOUR)
    theirs = file_report(profile, subject=owner, due_in=DAY)
    nobodys = file_report(profile, subject=owner, due_in=2 * DAY)
    automated = file_report(profile, subject=owner, automated=True, due_in=3 * DAY)
    Report.objects.filter(pk=mine.pk).update(assigned_to=mod)
    Report.objects.filter(pk=theirs.pk).update(assigned_to=moderator())

    def ids(**params) -> set[int]:  # noqa: ANN003
        return set(listed(client.get(REPORTS, params)))

    assert ids(assigned="me") == {mine.pk}
    assert ids(assigned="nobody") == {nobodys.pk, automated.pk}
    assert ids(assigned="anyone") == {mine.pk, theirs.pk}
    assert ids(overdue="true") == {mine.pk}
    assert ids(overdue="false") == {theirs.pk, nobodys.pk, automated.pk}
    assert ids(automated="true") == {automated.pk}
    assert ids(assigned="nonsense") == {mine.pk, theirs.pk, nobodys.pk, automated.pk}


def test_the_queue_costs_the_same_queries_for_more_reports(client, mod, profile):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(REPORTS).status_code == 200
        return len(queries)

    first = file_report(profile, subject=profile.owner)
    Report.objects.filter(pk=first.pk).update(assigned_to=mod)
    few = count()
    other = live_profile("Bianca")
    for n in range(6):
        report = file_report(other if n % 2 else profile, subject=other.owner)
        Report.objects.filter(pk=report.pk).update(assigned_to=moderator())
    file_report(other, subject=None, automated=True)

    assert count() == few


# --- A report's page -----------------------------------------------------------------


def test_the_inspect_page_shows_the_earlier_reports_and_their_outcomes(
    client, mod, profile
):
    owner = profile.owner
    earlier = file_report(profile, subject=owner, category="spam")
    decision_take(
        actor=moderator(),
        report=earlier,
        action="dismiss",
        reason_code="no_violation",
    )
    file_report(profile, subject=owner)  # still open
    other_content = live_profile("Carla")  # another profile, same person below
    file_report(other_content, subject=owner)
    current = file_report(profile, subject=owner, category="explicit", details="Look")

    html = client.get(inspect(current.pk)).content.decode()

    target = _section(html, 'data-history="target"')
    subject = _section(html, 'data-history="subject"')
    assert 'data-count="2"' in target and "1 still open" in target
    assert (
        'data-outcome="dismiss"' in target and "No breach of the terms found" in target
    )
    assert 'data-count="3"' in subject and "2 still open" in subject
    assert "Look" in html  # the reporter's details
    for action in ("dismiss", "unpublish_profile", "suspend", "ban"):
        assert f'data-moderation-action="{action}"' in html
    assert (
        'data-moderation-action="remove_content"' not in html
    )  # a profile is unpublished
    assert html.count('name="csrfmiddlewaretoken"') >= 5


def _section(html: str, marker: str) -> str:
    start = html.index(marker)
    return html[start : html.index("</div>", start)]


def test_assign_to_me(client, mod, profile):
    report = file_report(profile, subject=profile.owner)

    response = client.post(inspect(report.pk), {"op": "assign"})

    assert response.status_code == 302
    report.refresh_from_db()
    assert report.assigned_to == mod
    assert 'data-assigned="me"' in client.get(inspect(report.pk)).content.decode()


def test_dismiss_closes_the_report_and_goes_back_to_the_queue(client, mod, profile):
    report = file_report(profile, subject=profile.owner)

    response = client.post(
        inspect(report.pk),
        {"op": "dismiss", "dismiss-reason_code": "no_violation", "dismiss-note": ""},
    )

    assert response.status_code == 302 and response["Location"] == REPORTS
    report.refresh_from_db()
    assert report.status == "closed" and report.closed_at is not None
    (decision,) = Decision.objects.filter(report=report)
    assert (decision.action, decision.reason_code, decision.actor) == (
        "dismiss",
        "no_violation",
        mod,
    )
    assert not Statement.objects.exists()
    page = client.get(REPORTS).content.decode()
    assert f"Report {report.pk}: dismiss the report." in page


def test_unpublish_takes_the_profile_offline_with_a_statement(client, mod, profile):
    report = file_report(profile, subject=profile.owner)

    response = client.post(
        inspect(report.pk),
        {
            "op": "unpublish_profile",
            "unpublish_profile-reason_code": "explicit",
            "unpublish_profile-note": "Two photos are explicit.",
        },
    )

    assert response.status_code == 302
    profile.refresh_from_db()
    assert not profile.live
    statement = Statement.objects.get(user=profile.owner)
    assert statement.ground_clause == "3.3"
    assert statement.decision.note == "Two photos are explicit."


@pytest.mark.parametrize(
    ("period", "length"),
    [
        ("24h", dt.timedelta(hours=24)),
        ("7d", dt.timedelta(days=7)),
        ("30d", dt.timedelta(days=30)),
    ],
)
def test_suspend_for_a_period(client, mod, profile, period, length):
    report = file_report(profile, subject=profile.owner)

    response = client.post(
        inspect(report.pk),
        {"op": "suspend", "suspend-reason_code": "scam", "suspend-period": period},
    )

    assert response.status_code == 302
    sanction = Sanction.objects.get(user=profile.owner, lifted_at__isnull=True)
    assert sanction.kind == "suspension"
    assert abs(sanction.ends_at - (timezone.now() + length)) < dt.timedelta(minutes=1)
    profile.owner.refresh_from_db()
    assert profile.owner.is_suspended


def test_suspend_until_a_date(client, mod, profile):
    report = file_report(profile, subject=profile.owner)
    until = timezone.localdate() + dt.timedelta(days=10)

    client.post(
        inspect(report.pk),
        {
            "op": "suspend",
            "suspend-reason_code": "scam",
            "suspend-period": "date",
            "suspend-until": until.isoformat(),
        },
    )

    sanction = Sanction.objects.get(user=profile.owner)
    assert timezone.localtime(sanction.ends_at).date() == until


def test_ban(client, mod, profile):
    report = file_report(profile, subject=profile.owner, category="underage")

    client.post(inspect(report.pk), {"op": "ban", "ban-reason_code": "underage"})

    sanction = Sanction.objects.get(user=profile.owner)
    assert sanction.kind == "ban" and sanction.ends_at is None
    assert Statement.objects.get(user=profile.owner).ground_clause == "2.1"


def test_a_report_about_a_person_offers_suspend_and_ban_only(client, mod):
    target = UserFactory(role=Role.CLIENT)  # a person: nothing to remove or unpublish
    about_person = file_report(target, subject=target)
    html = client.get(inspect(about_person.pk)).content.decode()
    assert 'data-moderation-action="remove_content"' not in html
    assert 'data-moderation-action="unpublish_profile"' not in html
    assert 'data-moderation-action="suspend"' in html


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"op": "ban"}, "ban-reason_code", "Choose the reason for this decision."),
        (
            {"op": "suspend", "suspend-reason_code": "scam", "suspend-period": "date"},
            "suspend-until",
            "Pick the date the suspension ends.",
        ),
        (
            {
                "op": "suspend",
                "suspend-reason_code": "scam",
                "suspend-period": "date",
                "suspend-until": "2020-01-01",
            },
            "suspend-until",
            "Pick a date after today.",
        ),
        (
            {"op": "dismiss", "dismiss-reason_code": "made-up"},
            "dismiss-reason_code",
            "Select a valid choice.",
        ),
    ],
)
def test_bad_input_shows_the_form_error_and_changes_nothing(
    client, mod, profile, data, field, message
):
    report = file_report(profile, subject=profile.owner)

    response = client.post(inspect(report.pk), data)

    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert re.search(rf'data-field="{field.split("-")[1]}"', html)
    report.refresh_from_db()
    assert report.status == "open"
    assert not Decision.objects.exists() and not Sanction.objects.exists()
    profile.owner.refresh_from_db()
    assert not profile.owner.is_suspended


def test_an_action_the_report_does_not_offer_changes_nothing(client, mod, profile):
    report = file_report(profile, subject=profile.owner)

    response = client.post(
        inspect(report.pk),
        {"op": "remove_content", "remove_content-reason_code": "spam"},
    )

    assert response.status_code == 302
    assert not Decision.objects.exists()


def test_a_moderator_cannot_act_on_a_report_about_themselves(client, admin_login):
    me = admin_login(client, moderator())
    report = file_report(me, subject=me, category="harassment")

    response = client.post(inspect(report.pk), {"op": "ban", "ban-reason_code": "spam"})

    assert response.status_code == 403
    assert "error-message" in response.content.decode() or "help-critical" in (
        response.content.decode()
    )
    assert not Sanction.objects.exists()
    report.refresh_from_db()
    assert report.status == "open"


def test_a_closed_report_offers_no_action(client, mod, profile):
    report = file_report(profile, subject=profile.owner)
    client.post(
        inspect(report.pk), {"op": "dismiss", "dismiss-reason_code": "no_violation"}
    )

    html = client.get(inspect(report.pk)).content.decode()
    response = client.post(inspect(report.pk), {"op": "ban", "ban-reason_code": "spam"})

    assert 'data-moderation-action="' not in html and 'data-decision="dismiss"' in html
    assert response.status_code == 302
    assert not Sanction.objects.exists()


# --- Who may ------------------------------------------------------------------------


def test_staff_who_are_not_moderators_neither_see_nor_act(client, admin_login, profile):
    report = file_report(profile, subject=profile.owner)
    admin_login(client, staff_in("Editors"))

    assert client.get(inspect(report.pk)).status_code == 302
    response = client.post(inspect(report.pk), {"op": "ban", "ban-reason_code": "spam"})

    assert response.status_code in (302, 403)
    assert not Sanction.objects.exists()
    assert Report.objects.get().assigned_to is None


def test_reading_without_the_change_permission_shows_no_forms(
    client, admin_login, profile
):
    readers = Group.objects.create(name="Report readers")
    readers.permissions.add(Permission.objects.get(codename="view_report"))
    admin_login(client, staff_in("Report readers"))
    report = file_report(profile, subject=profile.owner)

    html = client.get(inspect(report.pk)).content.decode()
    response = client.post(inspect(report.pk), {"op": "assign"})

    assert 'data-moderation-action="' not in html and "Assign to me" not in html
    assert response.status_code == 403
    assert Report.objects.get().assigned_to is None


def test_an_unknown_or_huge_id_is_404(client, mod):
    assert client.get(inspect(999999)).status_code == 404
    assert client.get(inspect(2**70)).status_code == 404


def test_the_subjects_trust_score_shows_and_lower_trust_comes_first(
    client, mod, profile
):
    from moderation.automated_models import TrustScore
    from moderation.selectors import report_queue

    trusted, doubtful = profile.owner, live_profile("Carla").owner
    due = timezone.now() + DAY
    first = file_report(profile, subject=trusted, category="spam")
    second = file_report(live_profile("Dana"), subject=doubtful, category="spam")
    Report.objects.filter(pk__in=[first.pk, second.pk]).update(due_at=due)
    TrustScore.objects.filter(user__in=[trusted, doubtful]).delete()
    now = timezone.now()
    TrustScore.objects.create(user=trusted, score=80, breakdown=[], computed_at=now)
    TrustScore.objects.create(user=doubtful, score=20, breakdown=[], computed_at=now)

    queue = [r.pk for r in report_queue().filter(pk__in=[first.pk, second.pk])]
    assert queue == [second.pk, first.pk]  # same priority and due: lower trust first
    html = client.get(inspect(second.pk)).content.decode()
    assert 'data-section="trust"' in html and 'data-trust-score="20"' in html
