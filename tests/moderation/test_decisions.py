"""Decisions on reports: what each action changes, the reporter told without
details about the other party, statements for adverse actions only, the
refusals (non-moderator, no or unknown reason, one's own content, a closed
report, a suspension without an end), audit rows that cannot be changed, the
work queue's due-time order and its query budget, and what a suspended user
meets on the site and the API."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from audit.models import AuditEntry
from core import crypto
from core.exceptions import Conflict, PermissionDenied, ValidationFailed
from directory.models import EscortProfilePage, ProfilePhoto
from messaging.models import Message
from messaging.services import message_send, thread_start
from moderation import decision_selectors as sel
from moderation.decisions import (
    REMOVED_BODY,
    REPORTER_TOLD,
    decision_take,
    report_assign,
)
from moderation.models import Decision, Report, Statement
from moderation.services import report_create
from notifications.models import Notification
from reviews.models import Review
from tests.assertions import assert_error_shape
from tests.factories.pages import EscortOwnerFactory, add_photo, make_city, make_profile
from tests.factories.reviews import add_review
from tests.moderation.decision_world import (
    client_account,
    in_days,
    moderator,
    report_profile,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def profile() -> EscortProfilePage:
    owner = EscortOwnerFactory(display_name="Noor")
    return make_profile("Noor", city=make_city("Porto", slug="porto-mod"), owner=owner)


@pytest.fixture
def mod():  # noqa: ANN201
    return moderator()


def outcome_titles(user) -> list[str]:  # noqa: ANN001
    return list(
        Notification.objects.filter(recipient=user, kind="moderation").values_list(
            "title", flat=True
        )
    )


def test_dismiss_closes_every_open_report_on_the_target_and_tells_each_reporter(
    profile, mod
):
    first, second = client_account("A"), client_account("B")
    report = report_profile(profile, reporter=first)
    other = report_profile(profile, reporter=second, category="spam")
    decision = decision_take(
        actor=mod, report=report, action="dismiss", reason_code="scam"
    )
    assert decision.reason_code == "no_violation"  # a dismissal finds no breach
    assert set(Report.objects.values_list("status", flat=True)) == {"closed"}
    assert Report.objects.filter(closed_at__isnull=True).count() == 0
    assert Report.objects.get(pk=other.pk).status == "closed"
    assert outcome_titles(first) == [REPORTER_TOLD[False]]
    assert outcome_titles(second) == [REPORTER_TOLD[False]]
    assert not Statement.objects.exists()
    assert EscortProfilePage.objects.get(pk=profile.pk).live
    entry = AuditEntry.objects.get(action="moderation.decision.dismiss")
    assert entry.actor == mod and entry.target_id == decision.pk
    assert entry.data["report_id"] == report.pk


def test_unpublish_profile_takes_it_offline_with_a_statement(profile, mod):
    reporter = client_account()
    report = report_profile(profile, reporter=reporter)
    decision = decision_take(
        actor=mod,
        report=report,
        action="unpublish_profile",
        reason_code="impersonation",
        note="The photos belong to someone else.",
    )
    assert not EscortProfilePage.objects.get(pk=profile.pk).live
    assert decision.affected_user == profile.owner
    statement = Statement.objects.get(decision=decision)
    assert statement.ground_clause == "3.1" and not statement.automated
    assert outcome_titles(reporter) == [REPORTER_TOLD[True]]
    # The reporter's notice says nothing about the other party.
    assert "Noor" not in REPORTER_TOLD[True]
    owner_titles = outcome_titles(profile.owner)
    assert len(owner_titles) == 1 and "how to appeal" in owner_titles[0]
    assert AuditEntry.objects.filter(
        action="moderation.decision.unpublish_profile",
        reason__startswith="impersonation",
    ).exists()


def test_remove_content_takes_a_photo_off_the_live_profile_through_a_revision(
    profile, mod
):
    keep = add_photo(profile, caption="keep", is_primary=True)
    gone = add_photo(profile, caption="gone")
    revisions = profile.revisions.count()
    report, _ = report_create(
        reporter=client_account(),
        category="explicit",
        details="",
        target=gone,
        evidence={"photo_id": gone.pk},
        subject_user=profile.owner,
    )
    decision = decision_take(
        actor=mod, report=report, action="remove_content", reason_code="explicit"
    )
    live = EscortProfilePage.objects.get(pk=profile.pk)
    assert live.live
    assert list(
        ProfilePhoto.objects.filter(page=live).values_list("image_id", flat=True)
    ) == [keep.image_id]
    assert live.revisions.count() == revisions + 1
    assert decision.affected_user == profile.owner
    assert Statement.objects.filter(decision=decision).exists()


def test_remove_content_hides_a_review_and_blanks_a_message(profile, mod):
    review = add_review(profile, 1, text="Rude and late.")
    review_report, _ = report_create(
        reporter=profile.owner,
        category="harassment",
        details="",
        target=review,
        evidence={"review_id": review.pk},
        subject_user=review.author,
    )
    decision_take(
        actor=mod,
        report=review_report,
        action="remove_content",
        reason_code="harassment",
    )
    assert Review.objects.get(pk=review.pk).status == Review.Status.HIDDEN
    assert Statement.objects.get(user=review.author).ground_clause == "4.1"

    client = client_account("Writer")
    thread, _ = thread_start(client=client, profile_id=profile.pk, body="Hello")
    message = message_send(
        thread_id=thread.pk, sender=profile.owner, body="Pay me at my bank"
    )
    message_report, _ = report_create(
        reporter=client,
        category="scam",
        details="",
        target=message,
        evidence={"message_id": message.pk, "body": "Pay me at my bank"},
        subject_user=profile.owner,
    )
    decision_take(
        actor=mod, report=message_report, action="remove_content", reason_code="scam"
    )
    stored = Message.objects.get(pk=message.pk)
    assert crypto.decrypt(stored.body_encrypted) == REMOVED_BODY


def test_refusals(profile, mod):
    report = report_profile(profile, reporter=client_account())
    with pytest.raises(PermissionDenied):
        decision_take(
            actor=client_account("Not a mod"),
            report=report,
            action="dismiss",
            reason_code="no_violation",
        )
    for reason in ("", "made_up"):
        with pytest.raises(ValidationFailed) as error:
            decision_take(actor=mod, report=report, action="ban", reason_code=reason)
        assert "reason_code" in error.value.fields
    with pytest.raises(ValidationFailed):  # an action needs a broken rule
        decision_take(
            actor=mod, report=report, action="ban", reason_code="no_violation"
        )
    with pytest.raises(ValidationFailed) as error:
        decision_take(actor=mod, report=report, action="suspend", reason_code="scam")
    assert "suspend_until" in error.value.fields
    with pytest.raises(ValidationFailed):
        decision_take(
            actor=mod,
            report=report,
            action="suspend",
            reason_code="scam",
            suspend_until=timezone.now() - dt.timedelta(hours=1),
        )
    with pytest.raises(ValidationFailed):
        decision_take(actor=mod, report=report, action="explode", reason_code="scam")
    # A moderator who is also the subject (their own content) is refused.
    own = moderator("Owner-mod")
    own_profile = make_profile("Selma", city=profile.home_city, owner=own, live=False)
    own_report = report_profile(own_profile, reporter=client_account("C"))
    with pytest.raises(PermissionDenied):
        decision_take(
            actor=own, report=own_report, action="dismiss", reason_code="no_violation"
        )
    with pytest.raises(PermissionDenied):
        report_assign(report=own_report, moderator=own)
    assert not Decision.objects.exists()  # nothing half-done
    decision_take(
        actor=mod, report=report, action="dismiss", reason_code="no_violation"
    )
    with pytest.raises(Conflict):
        decision_take(
            actor=mod, report=report, action="dismiss", reason_code="no_violation"
        )
    with pytest.raises(Conflict):
        report_assign(report=report, moderator=mod)


def test_assign_to_me_is_audited_once(profile, mod):
    report = report_profile(profile, reporter=client_account())
    report_assign(report=report, moderator=mod)
    report_assign(report=report, moderator=mod)
    assert Report.objects.get(pk=report.pk).assigned_to == mod
    assert AuditEntry.objects.filter(action="moderation.report.assigned").count() == 1
    assert list(sel.report_work_queue(assigned_to=mod)) == [report]


def test_audit_rows_of_decisions_cannot_be_changed_or_deleted(profile, mod):
    decision_take(
        actor=mod,
        report=report_profile(profile, reporter=client_account()),
        action="unpublish_profile",
        reason_code="spam",
    )
    entries = AuditEntry.objects.filter(action__startswith="moderation.decision.")
    assert entries.count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        entries.update(reason="rewritten")
    with pytest.raises(IntegrityError), transaction.atomic():
        entries.delete()
    assert entries.get().reason == "spam"


def test_the_work_queue_is_ordered_by_due_time_in_a_fixed_number_of_queries(
    profile, mod, django_assert_max_num_queries
):
    now = timezone.now()
    filed = {}
    for name, category, age in [
        ("old_spam", "spam", dt.timedelta(days=6, hours=23)),
        ("new_spam", "spam", dt.timedelta(hours=1)),
        ("minor", "underage", dt.timedelta(hours=0)),
        ("trafficking_old", "trafficking", dt.timedelta(hours=3)),
    ]:
        report = report_profile(
            profile, reporter=client_account(name), category=category
        )
        Report.objects.filter(pk=report.pk).update(
            created_at=now - age, due_at=report.due_at - age
        )
        filed[name] = report.pk
    with django_assert_max_num_queries(1):
        rows = [
            (r.pk, r.reporter.email, r.subject_user_id, r.assigned_to)
            for r in sel.report_work_queue()
        ]
    order = [row[0] for row in rows]
    # Top priority first, each by its due time (trafficking in 1 h, the minor
    # in 4 h), then normal ones by theirs (old spam in 1 h, new spam in ~7 days).
    assert order == [
        filed["trafficking_old"],
        filed["minor"],
        filed["old_spam"],
        filed["new_spam"],
    ]


def test_decision_and_sanction_lists_have_a_query_budget(
    profile, mod, django_assert_max_num_queries
):
    for n in range(3):
        owner = EscortOwnerFactory()
        decision_take(
            actor=mod,
            report=None,
            action="suspend",
            reason_code="spam",
            affected_user=owner,
            suspend_until=in_days(n + 1),
        )
    with django_assert_max_num_queries(1):
        rows = [
            (d.actor.email, d.affected_user_id, d.report) for d in sel.decisions_list()
        ]
    assert len(rows) == 3
    with django_assert_max_num_queries(1):
        rows = [(s.user.email, s.decision.actor.email) for s in sel.sanctions_list()]
    assert len(rows) == 3


# --- A suspended user on the site and the API --------------------------------------


def test_a_suspended_user_gets_a_clear_403_and_can_still_read_statements(profile, mod):
    owner = profile.owner
    decision_take(
        actor=mod,
        report=None,
        action="suspend",
        reason_code="spam",
        affected_user=owner,
        suspend_until=in_days(5),
    )
    owner.refresh_from_db()
    api = APIClient()
    api.force_authenticate(owner)
    api.force_login(owner)
    error = assert_error_shape(
        api.post("/api/v1/me/favourites", {"profile_id": profile.pk}, format="json"),
        403,
        "account_suspended",
    )
    assert "suspended until" in error["message"]
    assert "/dashboard/moderation/" in error["message"]
    browser = Client()
    browser.force_login(owner)
    page = browser.get("/dashboard/")
    assert page.status_code == 403
    assert 'href="/dashboard/moderation/"' in page.content.decode()
    statements = browser.get("/dashboard/moderation/")
    assert statements.status_code == 200
    assert "suspended your account" in statements.content.decode()
    assert browser.get("/").status_code == 200  # reading the site is fine


def test_an_app_client_of_a_suspended_user_is_refused_with_the_same_answer(
    profile, mod, settings
):
    owner = profile.owner
    decision_take(
        actor=mod,
        report=None,
        action="ban",
        reason_code="scam",
        affected_user=owner,
    )
    browser = Client()
    browser.force_login(owner)  # signed in again after the ban ended the sessions
    token = browser.cookies[settings.SESSION_COOKIE_NAME].value
    error = assert_error_shape(
        APIClient().post(
            "/api/v1/me/favourites",
            {"profile_id": profile.pk},
            format="json",
            HTTP_X_SESSION_TOKEN=token,
        ),
        403,
        "account_suspended",
    )
    assert error["message"].startswith("Your account is closed to further use")
