"""POST /api/v1/reports and GET /api/v1/me/reports: each target kind, the
first report answering a duplicate, 404 for what one cannot see, anonymous
profile reports and their throttle, due times by priority, minimal evidence."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Role
from moderation.models import Decision, Report
from moderation.reporting import AnonymousReportThrottle
from moderation.selectors import report_evidence
from reviews.models import Review
from tests.assertions import assert_error_shape
from tests.factories import UserFactory
from tests.factories.pages import add_photo

pytestmark = pytest.mark.django_db

REPORTS = "/api/v1/reports"
MINE = "/api/v1/me/reports"


def post(api_client, target_type, target_id, category="scam", details=""):  # noqa: ANN001, ANN201
    return api_client.post(
        REPORTS,
        {
            "target_type": target_type,
            "target_id": target_id,
            "category": category,
            "details": details,
        },
        format="json",
    )


@pytest.fixture
def signed_in(api_client, reporter) -> APIClient:
    api_client.force_authenticate(reporter)
    return api_client


# --- Each kind ------------------------------------------------------------------------


def test_a_profile_report_is_filed_once_and_a_repeat_answers_with_the_first(
    signed_in, shown, owner, reporter
):
    first = post(signed_in, "profile", shown.pk, "impersonation", "Not her photos")
    assert first.status_code == 201
    body = first.json()
    assert body["target_type"] == "profile"
    assert body["target_id"] == shown.pk
    assert body["category"] == "impersonation"
    assert body["status"] == "open"
    assert body["priority"] == Report.Priority.NORMAL
    again = post(signed_in, "profile", shown.pk, "spam", "Changed my mind")
    assert again.status_code == 200
    assert again.json()["id"] == body["id"]
    report = Report.objects.get()
    assert (report.category, report.details) == ("impersonation", "Not her photos")
    assert report.reporter == reporter
    assert report.subject_user == owner


def test_a_photo_report_names_the_photo_and_its_owner(signed_in, photo, owner):
    response = post(signed_in, "photo", photo.pk, "impersonation")
    assert response.status_code == 201
    report = Report.objects.get()
    assert report.target == photo
    assert report.subject_user == owner
    evidence = report_evidence(report=report, viewer=None)
    assert evidence["photo_id"] == photo.pk
    assert evidence["file_hash"] == photo.image.file_hash


def test_any_signed_in_user_reports_a_published_review(signed_in, review):
    response = post(signed_in, "review", review.pk, "harassment", "Personal data")
    assert response.status_code == 201
    report = Report.objects.get()
    assert report.target == review
    assert report.subject_user == review.author
    assert report_evidence(report=report, viewer=None)["text"] == review.text
    assert post(signed_in, "review", review.pk, "spam").json()["id"] == report.pk


def test_a_user_one_wrote_to_can_be_reported_a_stranger_cannot(
    signed_in, thread, owner, stranger, reporter
):
    assert post(signed_in, "user", owner.pk, "harassment").status_code == 201
    assert Report.objects.get().subject_user == owner
    assert_error_shape(post(signed_in, "user", stranger.pk, "harassment"), 404)
    assert_error_shape(post(signed_in, "user", reporter.pk, "harassment"), 404)
    # The other way round: the provider reports the client who wrote.
    provider = APIClient()
    provider.force_authenticate(owner)
    assert post(provider, "user", reporter.pk, "harassment").status_code == 201


# --- What one cannot see --------------------------------------------------------------


def test_what_one_cannot_see_is_404(signed_in, draft, shown, review):
    assert_error_shape(post(signed_in, "profile", draft.pk), 404, "not_found")
    assert_error_shape(post(signed_in, "profile", 2**31), 404)
    Review.objects.filter(pk=review.pk).update(status=Review.Status.HIDDEN)
    assert_error_shape(post(signed_in, "review", review.pk, "spam"), 404)
    # A profile is not a photo: ids of one kind do not reach another.
    assert_error_shape(post(signed_in, "photo", shown.pk, "explicit"), 404)
    assert not Report.objects.exists()


def test_the_owner_may_report_their_own_draft_not_others(api_client, draft):
    api_client.force_authenticate(draft.owner)
    assert post(api_client, "profile", draft.pk, "impersonation").status_code == 201


# --- Bad input ------------------------------------------------------------------------


def test_a_reason_not_listed_for_the_kind_and_long_details_are_400(
    signed_in, photo, shown
):
    error = assert_error_shape(post(signed_in, "photo", photo.pk, "harassment"), 400)
    assert "category" in error["fields"]
    error = assert_error_shape(
        post(signed_in, "profile", shown.pk, "scam", "x" * 2001), 400
    )
    assert "details" in error["fields"]
    error = assert_error_shape(post(signed_in, "message", 1), 400)
    assert "target_type" in error["fields"]
    assert not Report.objects.exists()


# --- Anonymous ------------------------------------------------------------------------


def test_a_visitor_reports_a_profile_once_per_session(api_client, shown):
    first = post(api_client, "profile", shown.pk, "underage")
    assert first.status_code == 201
    again = post(api_client, "profile", shown.pk, "underage")
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    report = Report.objects.get()
    assert report.reporter is None
    assert len(report.dedupe_key) == 64
    # Another visitor (another session) files their own.
    assert post(APIClient(), "profile", shown.pk, "underage").status_code == 201


def test_a_visitor_may_report_only_profiles(api_client, photo, review):
    assert_error_shape(post(api_client, "photo", photo.pk), 401, "not_authenticated")
    assert_error_shape(post(api_client, "review", review.pk), 401)
    assert not Report.objects.exists()


def test_the_visitor_throttle_keys_on_the_address_not_a_header(monkeypatch, shown):
    monkeypatch.setattr(
        AnonymousReportThrottle, "THROTTLE_RATES", {"reports_anon": "2/min"}
    )
    statuses = []
    for n in range(3):  # a fresh session and a fresh forwarded address each time
        response = post(
            APIClient(HTTP_X_FORWARDED_FOR=f"203.0.113.{n}"), "profile", shown.pk
        )
        statuses.append(response.status_code)
    assert statuses[:2] == [201, 201]
    assert_error_shape(response, 429, "throttled")
    assert Report.objects.count() == 2
    # Signed-in reporters are not held by the visitors' budget.
    member = APIClient()
    member.force_authenticate(UserFactory(role=Role.CLIENT))
    assert post(member, "profile", shown.pk).status_code == 201


# --- Due times and evidence -----------------------------------------------------------


@pytest.mark.parametrize(
    ("category", "priority", "within"),
    [
        ("underage", Report.Priority.TOP, dt.timedelta(hours=4)),
        ("trafficking", Report.Priority.TOP, dt.timedelta(hours=4)),
        ("scam", Report.Priority.NORMAL, dt.timedelta(days=7)),
    ],
)
def test_due_at_follows_the_priority(signed_in, shown, category, priority, within):
    before = timezone.now()
    body = post(signed_in, "profile", shown.pk, category).json()
    assert body["priority"] == priority
    due = dt.datetime.fromisoformat(body["due_at"])
    assert before + within <= due <= timezone.now() + within


def test_the_evidence_is_minimal(signed_in, shown, reporter, owner):
    post(signed_in, "profile", shown.pk, "scam", "Asked for a deposit")
    evidence = report_evidence(report=Report.objects.get(), viewer=None)
    assert set(evidence) == {
        "kind",
        "profile_id",
        "title",
        "url_path",
        "live_revision_id",
        "tagline",
    }
    flat = str(evidence)
    assert reporter.email not in flat
    assert owner.email not in flat
    assert "Asked for a deposit" not in flat  # the details are the report's own


# --- One's own reports ----------------------------------------------------------------


def test_my_reports_list_only_mine_with_the_outcome(
    signed_in, shown, photo, reporter, stranger
):
    post(signed_in, "profile", shown.pk, "scam")
    closed_id = post(signed_in, "photo", photo.pk, "impersonation").json()["id"]
    other = APIClient()
    other.force_authenticate(stranger)
    post(other, "profile", shown.pk, "spam")
    moderator = UserFactory(role=Role.CLIENT)
    Report.objects.filter(pk=closed_id).update(
        status=Report.Status.CLOSED, closed_at=timezone.now()
    )
    Decision.objects.create(
        report_id=closed_id,
        action=Decision.Action.REMOVE_CONTENT,
        reason_code="impersonation",
        actor=moderator,
        note="Removed the photo of someone else",
    )
    rows = signed_in.get(MINE).json()["results"]
    assert [r["target_type"] for r in rows] == ["photo", "profile"]
    closed, still_open = rows
    assert closed["status"] == "closed"
    assert closed["outcome"] == "We found a breach of our terms and took action."
    assert "someone else" not in str(rows)  # nothing of the decision's note
    assert still_open["outcome"] == "Our moderators have not decided yet."
    assert still_open["closed_at"] is None


def test_my_reports_take_a_constant_number_of_queries(signed_in, reporter, shown):
    post(signed_in, "profile", shown.pk, "scam")
    with CaptureQueriesContext(connection) as one:
        assert len(signed_in.get(MINE).json()["results"]) == 1
    for _ in range(4):
        post(signed_in, "photo", add_photo(shown).pk, "explicit")
    with CaptureQueriesContext(connection) as five:
        assert len(signed_in.get(MINE).json()["results"]) == 5
    assert len(five.captured_queries) == len(one.captured_queries) <= 6


def test_my_reports_need_a_sign_in(api_client):
    assert_error_shape(api_client.get(MINE), 401)
