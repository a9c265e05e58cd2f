"""The review queue in the Wagtail admin: moderators (and superusers) see
waiting reviews first, oldest first, in constant queries; they publish, reject
or hide with a reason (audited, the author told); other staff cannot."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import Role
from audit.models import AuditEntry
from notifications.models import Notification
from reviews.models import Review
from tests.factories import UserFactory
from tests.reviews.conftest import completed_booking, make_review

pytestmark = pytest.mark.django_db

ADMIN = "/cms/reviews/moderation/"
S = Review.Status


def decide_url(review) -> str:  # noqa: ANN001
    return f"/cms/reviews/decide/{review.pk}/"


def _aged(review: Review, days: int) -> Review:
    Review.objects.filter(pk=review.pk).update(
        created_at=timezone.now() - dt.timedelta(days=days)
    )
    return review


@pytest.fixture
def queue(profile) -> dict[str, Review]:
    def one(status: str, days: int) -> Review:
        booking = completed_booking(profile, UserFactory())
        return _aged(make_review(booking, status=status), days)

    return {
        "new pending": one(S.PENDING, 1),
        "old published": one(S.PUBLISHED, 9),
        "old pending": one(S.PENDING, 5),
        "hidden": one(S.HIDDEN, 3),
    }


def listed(response) -> list[int]:  # noqa: ANN001
    assert response.status_code == 200, response.content[:300]
    return [r.pk for r in response.context["object_list"]]


@pytest.mark.parametrize("who", ["moderator", "superuser"])
def test_pending_first_oldest_first(client, queue, moderator, who, admin_login):
    user = (
        moderator
        if who == "moderator"
        else UserFactory(role=Role.STAFF, is_staff=True, is_superuser=True)
    )
    admin_login(client, user)
    assert listed(client.get(ADMIN)) == [
        queue["old pending"].pk,
        queue["new pending"].pk,
        queue["old published"].pk,
        queue["hidden"].pk,
    ]
    html = client.get(ADMIN).content.decode()
    assert "Clara" in html and "Charming company" in html
    assert ADMIN in client.get("/cms/").content.decode()


def test_filter_by_status(client, queue, moderator, admin_login):
    admin_login(client, moderator)
    assert listed(client.get(ADMIN, {"status": "published"})) == [
        queue["old published"].pk
    ]


def test_queue_in_constant_queries(
    client, profile, moderator, admin_login, django_assert_max_num_queries
):
    admin_login(client, moderator)
    make_review(completed_booking(profile, UserFactory()), status=S.PENDING)
    client.get(ADMIN)
    with django_assert_max_num_queries(40) as few:
        client.get(ADMIN)
    for _ in range(10):
        make_review(completed_booking(profile, UserFactory()), status=S.PENDING)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(ADMIN).status_code == 200


def test_publish_from_the_inspect_page(client, queue, moderator, admin_login):
    admin_login(client, moderator)
    review = queue["old pending"]
    page = client.get(f"{ADMIN}inspect/{review.pk}/")
    assert page.status_code == 200
    assert decide_url(review) in page.content.decode()
    response = client.post(decide_url(review), {"decision": "approve"})
    assert response.status_code == 302
    review.refresh_from_db()
    assert (review.status, review.moderated_by) == (S.PUBLISHED, moderator)
    assert AuditEntry.objects.get().action == "review.published"
    assert Notification.objects.filter(recipient=review.author).exists()


def test_reject_and_hide_need_a_reason(client, queue, moderator, admin_login):
    admin_login(client, moderator)
    pending, published = queue["new pending"], queue["old published"]
    client.post(decide_url(pending), {"decision": "refuse", "reason": ""})
    pending.refresh_from_db()
    assert pending.status == S.PENDING
    assert not AuditEntry.objects.exists()
    client.post(decide_url(pending), {"decision": "refuse", "reason": "Names a room."})
    client.post(decide_url(published), {"decision": "refuse", "reason": "Coercion."})
    pending.refresh_from_db()
    published.refresh_from_db()
    assert (pending.status, published.status) == (S.REJECTED, S.HIDDEN)
    assert sorted(AuditEntry.objects.values_list("action", "reason")) == [
        ("review.hidden", "Coercion."),
        ("review.rejected", "Names a room."),
    ]


def test_other_staff_cannot_see_or_decide(client, queue, admin_login):
    editor = UserFactory(role=Role.STAFF, is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    admin_login(client, editor)
    review = queue["new pending"]
    for url in (ADMIN, f"{ADMIN}inspect/{review.pk}/"):
        response = client.get(url)
        assert response.status_code == 302, url
    response = client.post(decide_url(review), {"decision": "approve"})
    assert response.status_code in (302, 403)
    review.refresh_from_db()
    assert review.status == S.PENDING
    assert not AuditEntry.objects.exists()


def test_nobody_edits_a_review_in_the_admin(client, queue, admin_login):
    admin_login(client, UserFactory(role=Role.STAFF, is_staff=True, is_superuser=True))
    review = queue["new pending"]
    for url in (f"{ADMIN}edit/{review.pk}/", f"{ADMIN}delete/{review.pk}/"):
        assert client.get(url).status_code == 404
