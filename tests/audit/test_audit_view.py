"""The audit log's admin view: search and filters select exactly the right
entries (audit.selectors.audit_search), bad dates are a form error, the CSV
export streams what the filters select, capped, and is itself audited; the
table stays append-only for the moderation actions; opening a report's
decrypted evidence writes an entry naming the viewer."""

from __future__ import annotations

import csv
import datetime as dt
import io
from unittest import mock

import pytest
from django.contrib.auth.models import Group
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import MODERATORS_GROUP, Role, User
from audit.models import AuditEntry
from audit.selectors import AuditQuery, audit_search
from audit.services import audit_record
from moderation.models import Report
from moderation.selectors import report_evidence
from moderation.services import report_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

AUDIT = "/cms/audit/"
DAY = dt.timedelta(days=1)


def staff_in(group_name: str, **extra: object) -> User:
    user = UserFactory(role=Role.STAFF, is_staff=True, **extra)
    user.groups.add(Group.objects.get(name=group_name))
    return user


def recorded_at(moment: dt.datetime, **entry: object) -> AuditEntry:
    # created_at is set on insert and the table refuses any UPDATE: the clock
    # is what moves.
    with mock.patch("django.utils.timezone.now", return_value=moment):
        return audit_record(**entry)


@pytest.fixture
def today() -> dt.date:
    return timezone.localdate()


@pytest.fixture
def log(today) -> dict[str, AuditEntry]:
    ana = staff_in(MODERATORS_GROUP, email="ana@mod.test")
    ben = staff_in(MODERATORS_GROUP, email="ben@mod.test")
    lea = UserFactory(email="lea@people.test")
    group = Group.objects.create(name="=HYPERLINK(evil)")
    noon = timezone.make_aware(dt.datetime.combine(today, dt.time(12)))
    return {
        "suspend": recorded_at(
            noon - 10 * DAY,
            actor=ana,
            action="moderation.decision.suspend",
            target=lea,
            reason="scam: asked for a Deposit",
        ),
        "approved": recorded_at(
            noon - 3 * DAY, actor=ben, action="verification.approved", target=lea
        ),
        "lapsed": recorded_at(
            noon - DAY, actor=None, action="badge.lapsed", target=group
        ),
        "assigned": recorded_at(
            noon, actor=ana, action="moderation.report.assigned", target=group
        ),
        "hidden": recorded_at(
            noon,
            actor=ben,
            action="review.hidden",
            target=lea,
            reason="mentions a deposit",
        ),
    }


def found(log: dict[str, AuditEntry], **criteria: object) -> list[str]:
    names = {entry.pk: name for name, entry in log.items()}
    entries = audit_search(AuditQuery(**criteria)).filter(pk__in=names)
    return [names[entry.pk] for entry in entries]


@pytest.mark.parametrize(
    ("criteria", "expected"),
    [
        ({"text": "deposit"}, ["hidden", "suspend"]),  # reason, any case
        ({"text": "ana@mod"}, ["assigned", "suspend"]),  # actor
        ({"text": "lea@people"}, ["hidden", "approved", "suspend"]),  # target
        ({"text": "SUSPEND"}, ["suspend"]),  # action
        ({"action_prefix": "moderation."}, ["assigned", "suspend"]),
        ({"actor": "ANA@mod.test"}, ["assigned", "suspend"]),
        ({"actor": "platform"}, ["lapsed"]),
        ({"target_type": "auth.group"}, ["assigned", "lapsed"]),
        ({"text": "deposit", "action_prefix": "review."}, ["hidden"]),
    ],
)
def test_search_and_filters_select_exactly(log, criteria, expected) -> None:
    assert found(log, **criteria) == expected


def test_dates_are_whole_days_both_included(log, today) -> None:
    assert found(log, date_from=today - 3 * DAY, date_to=today - DAY) == [
        "lapsed",
        "approved",
    ]
    assert found(log, date_from=today) == ["hidden", "assigned"]
    assert found(log, date_to=today - 10 * DAY) == ["suspend"]


def listed(response) -> list[int]:  # noqa: ANN001
    assert response.status_code == 200, response.content[:300]
    return [entry.pk for entry in response.context["object_list"]]


@pytest.fixture
def moderator(client, admin_login) -> User:
    return admin_login(client, staff_in(MODERATORS_GROUP, email="mia@mod.test"))


def test_the_admin_listing_searches_and_filters(client, log, moderator) -> None:
    response = client.get(AUDIT, {"q": "deposit", "action_prefix": "moderation."})
    assert listed(response) == [log["suspend"].pk]

    response = client.get(
        f"{AUDIT}results/", {"actor": "ben@mod.test", "target_type": "accounts.user"}
    )
    assert listed(response) == [log["hidden"].pk, log["approved"].pk]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"created_from": "2026-11-10", "created_to": "2026-11-01"},
            "The start date is after the end date.",
        ),
        ({"created_from": "2026-13-45"}, "Enter a valid date."),
    ],
)
def test_bad_dates_are_a_form_error_and_export_nothing(
    client, log, moderator, params, message
) -> None:
    page = client.get(AUDIT, params)
    assert listed(page) == []
    assert message in page.content.decode()

    export = client.get(AUDIT, {**params, "export": "csv"})
    assert export.status_code == 200
    assert export["Content-Type"].startswith("text/html")
    assert not AuditEntry.objects.filter(action="audit.exported").exists()


def read_csv(response) -> list[list[str]]:  # noqa: ANN001
    assert response.status_code == 200, response.content[:300]
    assert response.streaming and response["Content-Type"] == "text/csv"
    assert response["Content-Disposition"].startswith(
        'attachment; filename="audit-log-'
    )
    text = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(text)))


def test_the_csv_export_holds_the_filtered_rows_and_is_audited(
    client, log, moderator
) -> None:
    response = client.get(
        AUDIT, {"export": "csv", "target_type": "auth.group", "q": "moderation"}
    )
    rows = read_csv(response)

    assert rows[0] == [
        "When",
        "Actor id",
        "Actor",
        "Action",
        "Target type",
        "Target id",
        "Target",
        "Reason",
        "Details",
    ]
    assigned = log["assigned"]
    assert rows[1:] == [
        [
            assigned.created_at.isoformat(),
            str(assigned.actor_id),
            "ana@mod.test",
            "moderation.report.assigned",
            "auth.group",
            str(assigned.target_id),
            "'=HYPERLINK(evil)",  # a spreadsheet reads it as text, not a formula
            "",
            "{}",
        ]
    ]
    exported = AuditEntry.objects.get(action="audit.exported")
    assert (exported.actor_id, exported.target_type) == (
        moderator.pk,
        "audit.auditentry",
    )
    assert exported.target_id is None and exported.target_label == "audit entries"
    assert exported.data == {
        "criteria": {"text": "moderation", "target_type": "auth.group"},
        "rows": 1,
        "truncated": False,
    }


def test_the_export_is_capped_and_leaves_out_its_own_entry(
    client, log, moderator, monkeypatch
) -> None:
    monkeypatch.setattr("audit.admin_views.EXPORT_ROW_CAP", 2)

    rows = read_csv(client.get(AUDIT, {"export": "csv"}))

    # Newest first: the two of today; not the export's own entry.
    assert [row[3] for row in rows[1:]] == [
        "review.hidden",
        "moderation.report.assigned",
    ]
    exported = AuditEntry.objects.get(action="audit.exported")
    assert exported.data["rows"] == 2 and exported.data["truncated"] is True


def test_only_csv_is_offered(client, log, moderator) -> None:
    page = client.get(AUDIT, {"export": "xlsx"})

    assert page["Content-Type"].startswith("text/html")
    html = page.content.decode()
    assert "Download CSV" in html and "Download XLSX" not in html
    assert not AuditEntry.objects.filter(action="audit.exported").exists()


def test_staff_who_are_not_moderators_cannot_read_or_export(
    client, log, admin_login
) -> None:
    admin_login(client, staff_in("Editors"))

    for params in ({}, {"export": "csv"}):
        response = client.get(AUDIT, params)
        assert response.status_code == 302 and response["Location"] == "/cms/"
    assert not AuditEntry.objects.filter(action="audit.exported").exists()


def test_the_listing_queries_do_not_grow_with_the_log(client, log, moderator) -> None:
    client.get(AUDIT)  # warm per-process caches
    with CaptureQueriesContext(connection) as before:
        assert client.get(AUDIT).status_code == 200
    lea = User.objects.get(email="lea@people.test")
    for n in range(20):
        audit_record(actor=moderator, action=f"moderation.test{n}", target=lea)
    with CaptureQueriesContext(connection) as after:
        assert client.get(AUDIT).status_code == 200

    assert len(after) == len(before)


# --- Append-only, for the moderation actions too ------------------------------


@pytest.mark.parametrize(
    "action",
    [
        "moderation.decision.suspend",
        "moderation.report.evidence_opened",
        "audit.exported",
    ],
)
@pytest.mark.parametrize("statement", ["UPDATE {} SET reason = 'x'", "DELETE FROM {}"])
def test_moderation_entries_cannot_be_changed_or_removed(action, statement) -> None:
    entry = audit_record(actor=None, action=action, target=UserFactory())
    with (
        pytest.raises(IntegrityError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            statement.format("audit_auditentry") + " WHERE id = %s", [entry.pk]
        )
    assert AuditEntry.objects.get(pk=entry.pk).reason == ""


# --- Opening decrypted evidence ------------------------------------------------


@pytest.fixture
def report() -> Report:
    provider = UserFactory(email="iris@people.test")
    filed, _ = report_create(
        reporter=UserFactory(),
        category="scam",
        details="",
        target=provider,
        evidence={"body": "Send a deposit first"},
        subject_user=provider,
    )
    return filed


def test_reading_the_evidence_writes_an_entry_with_the_viewer(report) -> None:
    viewer = staff_in(MODERATORS_GROUP)

    assert report_evidence(report=report, viewer=viewer) == {
        "body": "Send a deposit first"
    }

    [entry] = AuditEntry.objects.filter(action="moderation.report.evidence_opened")
    assert (entry.actor_id, entry.actor_label) == (viewer.pk, viewer.email)
    assert (entry.target_type, entry.target_id) == ("moderation.report", report.pk)
    assert entry.data == {"subject_user_id": report.subject_user_id}
    assert "deposit" not in str(entry.data) + entry.reason  # who looked, not what


def test_the_inspect_page_audits_each_opening(client, report, moderator) -> None:
    url = f"/cms/moderation/reports/inspect/{report.pk}/"

    for _ in range(2):
        page = client.get(url)
        assert page.status_code == 200
        assert "Send a deposit first" in page.content.decode()

    opened = AuditEntry.objects.filter(
        action="moderation.report.evidence_opened", target_id=report.pk
    )
    assert list(opened.values_list("actor_id", flat=True)) == [moderator.pk] * 2


def test_the_results_fragment_lists_nothing_for_bad_dates(
    client, log, moderator
) -> None:
    bad = {"created_from": "2026-11-10", "created_to": "2026-11-01"}

    assert listed(client.get(f"{AUDIT}results/", bad)) == []
    # No message was queued by the fragment: the next page shows none.
    assert "Check the filters" not in client.get(AUDIT).content.decode()


def test_the_action_filter_offers_the_recorded_prefixes(client, log, moderator) -> None:
    form = client.get(AUDIT).context["filters"].form

    offered = dict(form.fields["action_prefix"].choices)
    assert {"moderation.", "verification.", "review.", "badge."} <= set(offered)
    assert offered["moderation."] == "moderation"
    assert "auth.group" in dict(form.fields["target_type"].choices)
