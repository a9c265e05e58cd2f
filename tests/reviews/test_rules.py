"""Every rule of reviews at the service level: who may write, when, how often,
what; edits, deletion, replies, reports, the on/off switch and moderation
(audited, the author told, search told through ``ratings_changed``)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings
from django.utils import timezone

from audit.models import AuditEntry
from bookings.models import Booking
from core.exceptions import (
    Conflict,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from moderation.models import Report
from notifications.models import Kind, Notification
from reviews.models import ProfileReviewSettings, Review
from reviews.selectors import public_reviews_for
from reviews.services import (
    AlreadyReplied,
    AlreadyReviewed,
    EditWindowOver,
    ReviewNotAllowed,
    ReviewsOff,
    review_create,
    review_delete,
    review_edit,
    review_moderate,
    review_reply,
    review_report,
    review_settings_set,
)
from reviews.signals import ratings_changed
from tests.factories import UserFactory
from tests.factories.pages import EscortOwnerFactory
from tests.reviews.conftest import completed_booking, make_review, reviews_on

pytestmark = pytest.mark.django_db

S = Review.Status
GOOD = "A warm, witty companion; dinner and a long walk by the river."


@pytest.fixture
def committed(django_capture_on_commit_callbacks):  # noqa: ANN001, ANN201
    """``with committed():`` runs what was queued for after commit at its end."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def signals():
    """Profile ids ``ratings_changed`` was sent for (after commit)."""
    sent: list[int] = []

    def receiver(sender, profile_id, **kwargs):  # noqa: ANN001, ANN003, ANN202
        sent.append(profile_id)

    ratings_changed.connect(receiver, dispatch_uid="test-ratings")
    yield sent
    ratings_changed.disconnect(dispatch_uid="test-ratings")


def create(booking, **fields):  # noqa: ANN001, ANN003, ANN201
    return review_create(
        booking=booking,
        author=fields.pop("author", booking.client),
        rating=fields.pop("rating", 5),
        text=fields.pop("text", GOOD),
        **fields,
    )


# --- Create -----------------------------------------------------------------------


def test_a_completed_booking_gets_a_pending_review(booking, author):
    review = create(booking, punctuality=4, communication=5, as_described=3)
    assert review.status == S.PENDING
    assert (review.author, review.profile, review.booking) == (
        author,
        booking.profile,
        booking,
    )
    assert (review.punctuality, review.communication, review.as_described) == (4, 5, 3)
    assert not public_reviews_for(profile=booking.profile).exists()


@pytest.mark.parametrize(
    "status",
    [
        Booking.Status.REQUESTED,
        Booking.Status.CONFIRMED,
        Booking.Status.CANCELLED_BY_CLIENT,
        Booking.Status.NO_SHOW,
    ],
)
def test_only_completed_bookings(profile, author, status):
    booking = completed_booking(profile, author, status=status)
    with pytest.raises(ReviewNotAllowed):
        create(booking)
    assert not Review.objects.exists()


def test_not_someone_elses_booking(booking):
    with pytest.raises(NotFound):
        create(booking, author=UserFactory())
    assert not Review.objects.exists()


def test_window_of_30_days(profile, author):
    late = completed_booking(profile, author, ended=dt.timedelta(days=30, minutes=1))
    with pytest.raises(ReviewNotAllowed) as refused:
        create(late)
    assert "30 days" in refused.value.message
    on_time = completed_booking(profile, author, ended=dt.timedelta(days=29))
    assert create(on_time).pk


@override_settings(REVIEW_WINDOW_DAYS=3)
def test_window_is_a_setting(profile, author):
    with pytest.raises(ReviewNotAllowed):
        create(completed_booking(profile, author, ended=dt.timedelta(days=4)))


def test_not_while_reviews_are_off(booking):
    reviews_on(booking.profile, enabled=False)
    with pytest.raises(ReviewsOff):
        create(booking)
    ProfileReviewSettings.objects.all().delete()  # no row at all: off
    with pytest.raises(ReviewsOff):
        create(booking)
    assert not Review.objects.exists()


def test_once_per_booking(booking):
    create(booking)
    with pytest.raises(AlreadyReviewed) as refused:
        create(booking, text="Second thoughts, still a lovely evening.")
    assert refused.value.status_code == 409
    assert Review.objects.count() == 1


@pytest.mark.parametrize("rating", [0, 6, -1, "x", "3", None, 4.5, True])
def test_rating_1_to_5(booking, rating):
    with pytest.raises(ValidationFailed) as refused:
        create(booking, rating=rating)
    assert "rating" in refused.value.fields
    assert not Review.objects.exists()


@pytest.mark.parametrize("aspect", ["punctuality", "communication", "as_described"])
def test_aspects_1_to_5_or_none(booking, aspect):
    with pytest.raises(ValidationFailed) as refused:
        create(booking, **{aspect: 6})
    assert list(refused.value.fields) == [aspect]
    assert create(booking, **{aspect: None}).pk


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("Call her on +49 176 1234 5678, lovely.", "phone number"),
        ("Write to clara@example.com for dates.", "email address"),
        ("Paid €300 for two hours, worth it.", "price"),
        ("Great sex and a fun night out in town.", "explicit"),
        ("WhatsApp me if you want to know more, ok?", "messenger"),
        ("short", "at least"),
    ],
)
def test_text_check_refuses_and_says_what_to_change(booking, text, says):
    with pytest.raises(ValidationFailed) as refused:
        create(booking, text=text)
    assert any(says in message for message in refused.value.fields["text"])
    assert not Review.objects.exists()


def test_every_finding_is_listed(booking):
    with pytest.raises(ValidationFailed) as refused:
        create(
            booking, text="€200 and she gave me clara@example.com, call 0176 1234567"
        )
    messages = refused.value.fields["text"]
    assert len(messages) == 3
    assert refused.value.message.startswith("Remove the email address")


# --- Edit and delete --------------------------------------------------------------


def test_edit_goes_back_to_moderation(booking, signals, committed):
    review = make_review(booking)
    with committed():
        review_edit(
            review=review, actor=booking.client, rating=3, text=GOOD + " Again!"
        )
    review.refresh_from_db()
    assert (review.status, review.rating, review.edited_at is not None) == (
        S.PENDING,
        3,
        True,
    )
    assert review.text.endswith("Again!")
    assert signals == [booking.profile_id]  # it left the public list


def test_edit_runs_the_check_again(booking):
    review = make_review(booking)
    with pytest.raises(ValidationFailed):
        review_edit(review=review, actor=booking.client, text="See www.clara.de now")
    review.refresh_from_db()
    assert review.status == S.PUBLISHED
    assert "clara.de" not in review.text


def test_edit_after_48_hours(booking):
    review = make_review(booking)
    Review.objects.filter(pk=review.pk).update(
        created_at=timezone.now() - dt.timedelta(hours=48, minutes=1)
    )
    review.refresh_from_db()
    with pytest.raises(EditWindowOver):
        review_edit(review=review, actor=booking.client, rating=1)
    review.refresh_from_db()
    assert (review.rating, review.status) == (5, S.PUBLISHED)


def test_only_the_author_edits_or_deletes(booking, provider):
    review = make_review(booking)
    for actor in (UserFactory(), provider):
        with pytest.raises(NotFound):
            review_edit(review=review, actor=actor, rating=1)
        with pytest.raises(NotFound):
            review_delete(review=review, actor=actor)
    assert Review.objects.get().rating == 5


def test_delete_any_time(booking, signals, committed):
    review = make_review(booking)
    Review.objects.filter(pk=review.pk).update(
        created_at=timezone.now() - dt.timedelta(days=300)
    )
    with committed():
        review_delete(review=review, actor=booking.client)
    assert not Review.objects.exists()
    assert signals == [booking.profile_id]


# --- Reply and report -------------------------------------------------------------


def test_provider_replies_once(booking, provider):
    review = make_review(booking)
    review_reply(review=review, actor=provider, text="Thank you, it was a joy.")
    review.refresh_from_db()
    assert review.reply == "Thank you, it was a joy."
    assert review.replied_by == provider
    assert review.replied_at is not None
    with pytest.raises(AlreadyReplied):
        review_reply(review=review, actor=provider, text="And once more, thanks!")
    review.refresh_from_db()
    assert review.reply == "Thank you, it was a joy."


def test_agency_member_may_reply(booking):
    from directory.models import Agency, AgencyMembership

    agency = Agency.objects.create(name="Velvet", slug="velvet")
    manager = EscortOwnerFactory()
    AgencyMembership.objects.create(agency=agency, user=manager)
    type(booking.profile).objects.filter(pk=booking.profile_id).update(agency=agency)
    review = make_review(booking)
    assert review_reply(review=review, actor=manager, text="Thank you!").reply


def test_reply_by_someone_else(booking):
    review = make_review(booking)
    for actor in (booking.client, UserFactory(), EscortOwnerFactory()):
        with pytest.raises(NotFound):
            review_reply(review=review, actor=actor, text="Thank you so much!")
    review.refresh_from_db()
    assert review.reply == ""


def test_reply_to_published_only_and_checked(booking, provider):
    review = make_review(booking, status=S.PENDING)
    with pytest.raises(Conflict):
        review_reply(review=review, actor=provider, text="Thank you so much!")
    Review.objects.filter(pk=review.pk).update(status=S.PUBLISHED)
    with pytest.raises(ValidationFailed) as refused:
        review_reply(review=review, actor=provider, text="Book me at clara.com")
    assert "web address" in refused.value.fields["text"][0]
    review.refresh_from_db()
    assert review.reply == ""


def test_provider_reports_a_review(booking, provider):
    review = make_review(booking)
    report, created = review_report(
        review=review, actor=provider, category="harassment", details="A threat."
    )
    assert created
    assert (report.target, report.reporter, report.category) == (
        review,
        provider,
        "harassment",
    )
    again, created = review_report(
        review=review, actor=provider, category="spam", details=""
    )
    assert (again.pk, created) == (report.pk, False)
    with pytest.raises(NotFound):
        review_report(review=review, actor=booking.client, category="spam", details="")
    with pytest.raises(ValidationFailed):
        review_report(review=review, actor=provider, category="nope", details="")
    assert Report.objects.count() == 1


# --- Settings -----------------------------------------------------------------------


def test_off_hides_and_on_shows_again(booking, provider, signals, committed):
    make_review(booking)
    profile = booking.profile
    assert public_reviews_for(profile=profile).count() == 1
    with committed():
        review_settings_set(profile=profile, actor=provider, enabled=False)
    assert public_reviews_for(profile=profile).count() == 0
    assert Review.objects.count() == 1  # hidden, not deleted
    with committed():
        review_settings_set(profile=profile, actor=provider, enabled=True)
    assert public_reviews_for(profile=profile).count() == 1
    assert signals == [profile.pk, profile.pk]
    actions = list(AuditEntry.objects.order_by("id").values_list("action", "data"))
    assert actions == [
        ("review.settings_changed", {"reviews_enabled": False}),
        ("review.settings_changed", {"reviews_enabled": True}),
    ]


def test_settings_are_the_provider_sides(booking):
    for actor in (booking.client, EscortOwnerFactory()):
        with pytest.raises(NotFound):
            review_settings_set(profile=booking.profile, actor=actor, enabled=False)
    assert ProfileReviewSettings.objects.get().reviews_enabled is True


# --- Moderation -------------------------------------------------------------------


def test_approve_publishes_audits_and_tells(
    booking, moderator, provider, signals, committed
):
    review = make_review(booking, status=S.PENDING)
    with committed():
        review_moderate(review=review, actor=moderator, approve=True)
    review.refresh_from_db()
    assert (review.status, review.moderated_by) == (S.PUBLISHED, moderator)
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor, entry.target_id) == (
        "review.published",
        moderator,
        review.pk,
    )
    told = Notification.objects.get(recipient=booking.client)
    assert told.kind == Kind.REVIEW
    assert "is published" in told.title
    assert Notification.objects.filter(recipient=provider, kind=Kind.REVIEW).exists()
    assert signals == [booking.profile_id]


def test_reject_needs_a_reason(booking, moderator, mailoutbox, committed):
    review = make_review(booking, status=S.PENDING)
    with pytest.raises(ValidationFailed) as refused:
        review_moderate(review=review, actor=moderator, approve=False, reason=" ")
    assert "reason" in refused.value.fields
    assert Review.objects.get().status == S.PENDING
    assert not AuditEntry.objects.exists()
    with committed():
        review_moderate(
            review=review, actor=moderator, approve=False, reason="Names a hotel room."
        )
    review.refresh_from_db()
    assert (review.status, review.moderation_reason) == (
        S.REJECTED,
        "Names a hotel room.",
    )
    assert AuditEntry.objects.get().action == "review.rejected"
    assert AuditEntry.objects.get().reason == "Names a hotel room."
    assert "not published" in Notification.objects.get(recipient=booking.client).title
    assert "Names a hotel room." in mailoutbox[0].body


def test_hiding_a_published_review(booking, moderator, signals, committed):
    review = make_review(booking)
    with committed():
        review_moderate(
            review=review, actor=moderator, approve=False, reason="Coercion."
        )
    review.refresh_from_db()
    assert review.status == S.HIDDEN
    assert AuditEntry.objects.get().action == "review.hidden"
    assert not public_reviews_for(profile=booking.profile).exists()
    assert signals == [booking.profile_id]
    with pytest.raises(Conflict):
        review_moderate(review=review, actor=moderator, approve=False, reason="Again")


def test_only_moderators_moderate(booking, provider):
    review = make_review(booking, status=S.PENDING)
    staff = UserFactory(is_staff=True)
    for actor in (provider, booking.client, staff):
        with pytest.raises(PermissionDenied):
            review_moderate(review=review, actor=actor, approve=True)
    assert Review.objects.get().status == S.PENDING
    assert not AuditEntry.objects.exists()
