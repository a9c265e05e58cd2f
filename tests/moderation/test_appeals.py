"""The statement and appeal flow at the service level: the affected user
appeals once, within the window; the appeal goes to a different moderator (not
the original one, not the appellant — the database refuses it too); a
reversal gives back what the decision took (profiles on every surface again),
a confirmation keeps it; both ends are told; everything is audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from audit.models import AuditEntry
from core.exceptions import Conflict, NotFound, PermissionDenied, ValidationFailed
from directory.models import EscortProfilePage, ProfilePhoto
from moderation import decision_selectors as sel
from moderation.decisions import (
    appeal_assign,
    appeal_decide,
    appeal_file,
    decision_take,
)
from moderation.models import Appeal, Sanction, Statement
from moderation.services import report_create
from notifications.models import Notification
from reviews.models import Review
from tests.factories.pages import EscortOwnerFactory, add_photo
from tests.factories.reviews import add_review
from tests.factories.search import live_city, live_profile
from tests.moderation.decision_world import (
    client_account,
    in_days,
    moderator,
    report_profile,
    surfaces,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def suspended(django_capture_on_commit_callbacks):  # noqa: ANN001, ANN201
    city = live_city("Seville", slug="seville-mod")
    owner = EscortOwnerFactory(display_name="Inés")
    profile = live_profile("Inés", city=city, owner=owner, slug="ines")
    city.refresh_from_db()
    first_mod, second_mod = moderator("First"), moderator("Second")
    report = report_profile(profile, reporter=client_account())
    with django_capture_on_commit_callbacks(execute=True):
        decision = decision_take(
            actor=first_mod,
            report=report,
            action="suspend",
            reason_code="impersonation",
            suspend_until=in_days(30),
        )
    return {
        "owner": owner,
        "profile": profile,
        "url": profile.url,
        "city_url": city.url,
        "decision": decision,
        "statement": Statement.objects.get(decision=decision),
        "first": first_mod,
        "second": second_mod,
    }


def test_appeal_to_another_moderator_who_reverses_restores_everything(
    suspended, django_capture_on_commit_callbacks
):
    owner, statement = suspended["owner"], suspended["statement"]
    assert statement.user == owner
    appeal = appeal_file(
        user=owner, statement=statement, text="These are my own photos."
    )
    assert appeal.status == "pending"
    assert appeal.original_actor == suspended["first"]
    assert (appeal.due_at - timezone.now()) > dt.timedelta(days=6, hours=23)
    assert list(sel.appeals_decidable_by(moderator=suspended["first"])) == []
    assert list(sel.appeals_decidable_by(moderator=suspended["second"])) == [appeal]

    with pytest.raises(PermissionDenied):
        appeal_assign(appeal=appeal, moderator=suspended["first"])
    with pytest.raises(PermissionDenied):
        appeal_decide(
            actor=suspended["first"], appeal=appeal, reverse=True, response="Fine."
        )
    # The database refuses it as well, whatever the code path.
    with pytest.raises(IntegrityError), transaction.atomic():
        Appeal.objects.filter(pk=appeal.pk).update(assigned_to=suspended["first"])

    appeal_assign(appeal=appeal, moderator=suspended["second"])
    with django_capture_on_commit_callbacks(execute=True):
        outcome = appeal_decide(
            actor=suspended["second"],
            appeal=appeal,
            reverse=True,
            response="The verification shows the photos are yours.",
        )
    assert outcome.action == "reverse" and outcome.appeal_id == appeal.pk
    appeal.refresh_from_db()
    assert appeal.status == "reversed" and appeal.decided_by == suspended["second"]
    sanction = Sanction.objects.get(decision=suspended["decision"])
    assert sanction.lifted_by == outcome
    assert not User.objects.get(pk=owner.pk).is_suspended
    assert all(
        surfaces(
            suspended["profile"], url=suspended["url"], city_url=suspended["city_url"]
        ).values()
    )
    owner_titles = set(
        Notification.objects.filter(recipient=owner).values_list("title", flat=True)
    )
    assert "Your appeal was upheld: we reversed our decision" in owner_titles
    assert Notification.objects.filter(
        recipient=suspended["first"], title__contains="reversed"
    ).exists()
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "moderation.decision.suspend",
        "moderation.appeal.filed",
        "moderation.appeal.assigned",
        "moderation.decision.reverse",
    } <= actions


def test_a_confirmed_appeal_keeps_the_sanction(suspended):
    appeal = appeal_file(
        user=suspended["owner"], statement=suspended["statement"], text="Please."
    )
    appeal_decide(
        actor=suspended["second"],
        appeal=appeal,
        reverse=False,
        response="The photos were found on another site.",
    )
    appeal.refresh_from_db()
    assert appeal.status == "confirmed"
    assert User.objects.get(pk=suspended["owner"].pk).is_suspended
    assert Sanction.objects.get(decision=suspended["decision"]).lifted_at is None
    assert not EscortProfilePage.objects.get(pk=suspended["profile"].pk).live
    assert Notification.objects.filter(
        recipient=suspended["owner"], title__contains="the decision stands"
    ).exists()
    with pytest.raises(Conflict):
        appeal_decide(
            actor=suspended["second"], appeal=appeal, reverse=True, response="Oops"
        )


def test_appeal_refusals(suspended):
    owner, statement = suspended["owner"], suspended["statement"]
    with pytest.raises(NotFound):  # someone else's statement
        appeal_file(user=client_account("Other"), statement=statement, text="Me too")
    with pytest.raises(ValidationFailed):
        appeal_file(user=owner, statement=statement, text="   ")
    with pytest.raises(ValidationFailed):
        appeal_file(user=owner, statement=statement, text="x" * 2001)
    Statement.objects.filter(pk=statement.pk).update(
        appeal_until=timezone.now() - dt.timedelta(minutes=1)
    )
    with pytest.raises(Conflict):
        appeal_file(user=owner, statement=statement, text="Too late")
    Statement.objects.filter(pk=statement.pk).update(appeal_until=in_days(1))
    first = appeal_file(user=owner, statement=statement, text="Mine")
    with pytest.raises(Conflict) as error:
        appeal_file(user=owner, statement=statement, text="Again")
    assert error.value.fields == {"appeal": [first.pk]}
    with pytest.raises(PermissionDenied):  # not a moderator
        appeal_decide(actor=owner, appeal=first, reverse=True, response="Yes")
    with pytest.raises(ValidationFailed):  # a response is owed to the appellant
        appeal_decide(
            actor=suspended["second"], appeal=first, reverse=True, response=""
        )
    assert Appeal.objects.get(pk=first.pk).status == "pending"


def test_a_moderator_cannot_decide_their_own_appeal(suspended):
    # A moderator who is themselves sanctioned appeals: a third decides.
    third = moderator("Third")
    decision = decision_take(
        actor=suspended["first"],
        report=None,
        action="suspend",
        reason_code="spam",
        affected_user=suspended["second"],
        suspend_until=in_days(2),
    )
    appeal = appeal_file(
        user=suspended["second"], statement=decision.statement, text="Wrong person"
    )
    with pytest.raises(PermissionDenied):
        appeal_assign(appeal=appeal, moderator=suspended["second"])
    appeal_decide(actor=third, appeal=appeal, reverse=True, response="Agreed.")
    assert not User.objects.get(pk=suspended["second"].pk).is_suspended


def test_reversing_a_removed_review_publishes_it_again(suspended):
    profile = EscortProfilePage.objects.get(pk=suspended["profile"].pk)
    review = add_review(profile, 2, text="Not as described.")
    report, _ = report_create(
        reporter=suspended["first"],
        category="harassment",
        details="",
        target=review,
        evidence={"review_id": review.pk},
        subject_user=review.author,
    )
    decision = decision_take(
        actor=suspended["second"],
        report=report,
        action="remove_content",
        reason_code="harassment",
    )
    assert Review.objects.get(pk=review.pk).status == Review.Status.HIDDEN
    appeal = appeal_file(
        user=review.author, statement=decision.statement, text="It was honest."
    )
    appeal_decide(actor=suspended["first"], appeal=appeal, reverse=True, response="Ok")
    assert Review.objects.get(pk=review.pk).status == Review.Status.PUBLISHED


def test_the_appeal_queue_has_a_query_budget(suspended, django_assert_max_num_queries):
    appeal_file(user=suspended["owner"], statement=suspended["statement"], text="A")
    with django_assert_max_num_queries(1):
        rows = [
            (a.appellant.email, a.original_actor.email, a.statement.decision.action)
            for a in sel.appeal_queue()
        ]
    assert rows == [(suspended["owner"].email, suspended["first"].email, "suspend")]


def test_reversing_a_removed_photo_puts_it_back_on_the_live_profile(suspended):
    owner = EscortOwnerFactory(display_name="Lucía")
    profile = live_profile("Lucía", city=suspended["profile"].home_city, owner=owner)
    keep = add_photo(profile, caption="keep", is_primary=True)
    gone = add_photo(profile, caption="the sea")
    report, _ = report_create(
        reporter=client_account("Seer"),
        category="impersonation",
        details="",
        target=gone,
        evidence={"photo_id": gone.pk},
        subject_user=owner,
    )
    decision = decision_take(
        actor=suspended["first"],
        report=report,
        action="remove_content",
        reason_code="impersonation",
    )
    assert not ProfilePhoto.objects.filter(image_id=gone.image_id).exists()
    appeal = appeal_file(user=owner, statement=decision.statement, text="It is me.")
    appeal_decide(actor=suspended["second"], appeal=appeal, reverse=True, response="Ok")
    live = EscortProfilePage.objects.get(pk=profile.pk)
    assert live.live
    restored = {p.image_id: p.caption for p in ProfilePhoto.objects.filter(page=live)}
    assert restored == {keep.image_id: "keep", gone.image_id: "the sea"}
