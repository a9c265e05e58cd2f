"""Writes of reviews (docs/reviews.md, "Rules" and "Moderation").

Every rule of the issue is checked here, whatever the caller (API, pages,
admin), before anything is stored: a refusal stores nothing. Whoever may not
see a review or a booking gets "not found" (invariant 8). Every change to what
the public sees of a profile's reviews sends ``ratings_changed`` after commit."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from accounts.selectors import user_is_moderator
from bookings.models import Booking
from core.exceptions import (
    Conflict,
    FeatureDisabled,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from core.text_checks import check_text, finding_messages, review_rules
from core.validators import has_control_characters
from directory.models import EscortProfilePage
from directory.selectors import profile_provider_users, profiles_editable_by
from moderation.models import Report
from moderation.services import report_create
from notifications import titles
from notifications.models import Kind
from notifications.services import Email, notify
from reviews import events
from reviews.models import (
    REPLY_TEXT_MAX,
    REVIEW_TEXT_MAX,
    ProfileReviewSettings,
    Review,
)
from reviews.rules import (
    REVIEWS_PAUSED,
    review_editable,
    review_window_open,
    reviews_accepting,
)
from reviews.selectors import reviews_enabled_for
from reviews.signals import ratings_changed_after_commit

ASPECTS = ("punctuality", "communication", "as_described")
TEXT_MIN = 10
REASON_MAX = 500
S = Review.Status


class ReviewNotAllowed(Conflict):
    code = "review_not_allowed"
    default_message = "This booking cannot be reviewed."


class ReviewsPaused(FeatureDisabled):
    default_message = REVIEWS_PAUSED


class ReviewsOff(Conflict):
    code = "reviews_off"
    default_message = "This provider does not take reviews."


class AlreadyReviewed(Conflict):
    code = "already_reviewed"
    default_message = "You already reviewed this booking."


class EditWindowOver(Conflict):
    code = "edit_window_over"
    default_message = "This review can no longer be changed."


class AlreadyReplied(Conflict):
    code = "already_replied"
    default_message = "This review already has a reply."


# --- Settings -------------------------------------------------------------------


@transaction.atomic
def review_settings_set(
    *, profile: EscortProfilePage, actor: User, enabled: bool
) -> ProfileReviewSettings:
    """Turn reviews on or off for a profile the actor is on the provider side
    of. Off hides existing reviews everywhere at once (readers filter on the
    setting); nothing is deleted, so turning them on again shows them again."""
    if not profiles_editable_by(user=actor).filter(pk=profile.pk).exists():
        raise NotFound("Profile not found.")
    row, _ = ProfileReviewSettings.objects.select_for_update().get_or_create(
        profile=profile
    )
    if row.reviews_enabled != enabled:
        row.reviews_enabled = enabled
        row.save(update_fields=["reviews_enabled", "updated_at"])
        events.review_settings_changed_event(
            profile=profile, actor=actor, enabled=enabled
        )
        ratings_changed_after_commit(profile.pk)
    return row


# --- The author's side ------------------------------------------------------------


def review_create(
    *,
    booking: Booking,
    author: User,
    rating: Any,  # noqa: ANN401 - checked here: callers may pass what they got
    text: str,
    punctuality: Any = None,  # noqa: ANN401
    communication: Any = None,  # noqa: ANN401
    as_described: Any = None,  # noqa: ANN401
) -> Review:
    """A pending review of a completed booking, by its client, at most
    REVIEW_WINDOW_DAYS after it, on a profile with reviews on, once."""
    if booking.client_id != author.pk:
        raise NotFound("Booking not found.")
    _check_reviewable(booking)
    fields = _checked_ratings(
        rating=rating,
        punctuality=punctuality,
        communication=communication,
        as_described=as_described,
    )
    fields["text"] = _checked_text(text, max_length=REVIEW_TEXT_MAX, where="reviews")
    try:
        with transaction.atomic():
            return Review.objects.create(
                booking=booking, profile_id=booking.profile_id, author=author, **fields
            )
    except IntegrityError as error:  # the booking's unique key: one review each
        raise AlreadyReviewed() from error


def _check_reviewable(booking: Booking) -> None:
    if not reviews_accepting():
        raise ReviewsPaused()
    if booking.status != Booking.Status.COMPLETED:
        raise ReviewNotAllowed("Only completed bookings can be reviewed.")
    if not review_window_open(booking):
        raise ReviewNotAllowed(
            f"Reviews can be written up to {settings.REVIEW_WINDOW_DAYS} days "
            "after the booking."
        )
    if not reviews_enabled_for(profile=booking.profile):
        raise ReviewsOff()
    if Review.objects.filter(booking=booking).exists():
        raise AlreadyReviewed()


_UNCHANGED: Any = object()


@transaction.atomic
def review_edit(
    *,
    review: Review,
    actor: User,
    rating: Any = _UNCHANGED,  # noqa: ANN401
    text: Any = _UNCHANGED,  # noqa: ANN401
    punctuality: Any = _UNCHANGED,  # noqa: ANN401
    communication: Any = _UNCHANGED,  # noqa: ANN401
    as_described: Any = _UNCHANGED,  # noqa: ANN401
) -> Review:
    """The author changes their review within REVIEW_EDIT_HOURS of writing it.
    It goes back to moderation (pending) and through the text check again."""
    review = _locked_for_author(review, actor)
    if not review_editable(review):
        raise EditWindowOver(
            f"Reviews can be changed only in the first {settings.REVIEW_EDIT_HOURS} "
            "hours; you can still delete it."
        )
    given = {
        "rating": rating,
        "punctuality": punctuality,
        "communication": communication,
        "as_described": as_described,
    }
    current = {name: getattr(review, name) for name in given}
    merged = {
        name: current[name] if value is _UNCHANGED else value
        for name, value in given.items()
    }
    changes = _checked_ratings(**merged)
    if text is not _UNCHANGED:
        changes["text"] = _checked_text(
            text, max_length=REVIEW_TEXT_MAX, where="reviews"
        )
    was_public = review.status == S.PUBLISHED
    for name, value in changes.items():
        setattr(review, name, value)
    review.status = S.PENDING
    review.edited_at = timezone.now()
    review.moderated_at = None
    review.moderated_by = None
    review.moderation_reason = ""
    review.save()
    if was_public:
        ratings_changed_after_commit(review.profile_id)
    return review


@transaction.atomic
def review_delete(*, review: Review, actor: User) -> None:
    """The author deletes their review, at any time: the row goes."""
    review = _locked_for_author(review, actor)
    if review.status == S.PUBLISHED:
        ratings_changed_after_commit(review.profile_id)
    review.delete()


def _locked_for_author(review: Review, actor: User) -> Review:
    locked = (
        Review.objects.select_for_update(of=("self",))
        .select_related("profile")
        .filter(pk=review.pk, author_id=actor.pk)
        .first()
    )
    if locked is None:
        raise NotFound("Review not found.")
    return locked


# --- The provider's side ----------------------------------------------------------


def _for_provider(review: Review, actor: User) -> None:
    editable = profiles_editable_by(user=actor)
    if not editable.filter(pk=review.profile_id).exists():
        raise NotFound("Review not found.")


@transaction.atomic
def review_reply(*, review: Review, actor: User, text: str) -> Review:
    """One public reply from the provider side, to a published review."""
    _for_provider(review, actor)
    text = _checked_text(text, max_length=REPLY_TEXT_MAX, where="replies", minimum=1)
    now = timezone.now()
    replied = Review.objects.filter(pk=review.pk, reply="", status=S.PUBLISHED).update(
        reply=text, replied_at=now, replied_by=actor, updated_at=now
    )
    if not replied:
        review.refresh_from_db()
        if review.reply:
            raise AlreadyReplied()
        raise Conflict("Only published reviews can be answered.")
    review.refresh_from_db()
    return review


def review_report(
    *, review: Review, actor: User, category: str, details: str
) -> tuple[Report, bool]:
    """The provider side flags a review for the moderators (coercion, false
    statements, personal data...): a report with a snapshot of the review."""
    _for_provider(review, actor)
    return report_create(
        reporter=actor,
        category=category,
        details=details,
        target=review,
        evidence=review_evidence(review),
        subject_user=review.author,
    )


def review_evidence(review: Review) -> dict:
    """What a report of a review keeps: the review as it stands, by ids (the
    provider's report above, anyone's through moderation.reporting)."""
    return {
        "kind": "review",
        "review_id": review.pk,
        "profile_id": review.profile_id,
        "booking_id": review.booking_id,
        "status": review.status,
        "rating": review.rating,
        "text": review.text,
        "reply": review.reply,
    }


# --- Moderation -----------------------------------------------------------------


@transaction.atomic
def review_moderate(
    *, review: Review, actor: User, approve: bool, reason: str = ""
) -> Review:
    """A moderator publishes a review, or refuses it with a reason: a waiting
    review is rejected, a published one hidden (the same action). Audited; the
    author is told, with the reason."""
    if not user_is_moderator(user=actor):
        raise PermissionDenied("Only moderators can moderate reviews.")
    review = (
        Review.objects.select_for_update(of=("self",))
        .select_related("profile", "author")
        .filter(pk=review.pk)
        .first()
    )
    if review is None:  # deleted by its author meanwhile
        raise NotFound("Review not found.")
    reason = _checked_reason(reason, required=not approve)
    before = review.status
    after = _decision(before, approve=approve)
    review.status = after
    review.moderated_at = timezone.now()
    review.moderated_by = actor
    review.moderation_reason = reason
    review.save(
        update_fields=[
            "status",
            "moderated_at",
            "moderated_by",
            "moderation_reason",
            "updated_at",
        ]
    )
    EVENTS[after](review=review, actor=actor, reason=reason, before=before)
    _tell_author(review)
    if after == S.PUBLISHED:
        _tell_provider(review)
    if S.PUBLISHED in (before, after):
        ratings_changed_after_commit(review.profile_id)
    return review


EVENTS = {
    S.PUBLISHED: events.review_published_event,
    S.REJECTED: events.review_rejected_event,
    S.HIDDEN: events.review_hidden_event,
}


def _decision(before: str, *, approve: bool) -> str:
    if approve:
        if before == S.PUBLISHED:
            raise Conflict("This review is already published.")
        return S.PUBLISHED
    if before == S.PUBLISHED:
        return S.HIDDEN
    if before == S.PENDING:
        return S.REJECTED
    raise Conflict("This review is not shown already.")


def _checked_reason(reason: str, *, required: bool) -> str:
    reason = (reason or "").strip()
    if required and not reason:
        raise ValidationFailed(
            "Give the reason: the author is told why.",
            fields={"reason": ["Say why the review is not shown."]},
        )
    if len(reason) > REASON_MAX or has_control_characters(reason):
        raise ValidationFailed(
            fields={"reason": [f"At most {REASON_MAX} characters of plain text."]}
        )
    return reason


def _tell_author(review: Review) -> None:
    profile = review.profile.title
    title = {
        S.PUBLISHED: titles.review_published,
        S.REJECTED: titles.review_rejected,
        S.HIDDEN: titles.review_hidden,
    }[review.status](profile=profile)
    lines = [f"{title}."]
    if review.moderation_reason:
        lines += ["", f"The moderator's reason: {review.moderation_reason}"]
    lines += ["", f"Your reviews: {settings.SITE_URL}/dashboard/reviews/"]
    notify(
        recipient=review.author,
        kind=Kind.REVIEW,
        title=title,
        url="/dashboard/reviews/",
        email=Email(title, "\n".join(lines) + "\n"),
        dedupe_key=f"review:{review.pk}:{review.status}:{_stamp(review)}",
    )


def _stamp(review: Review) -> int:
    # One notice per decision: a later decision on the same review is new news.
    return int(review.moderated_at.timestamp() * 1000)


def _tell_provider(review: Review) -> None:
    title = titles.review_received(profile=review.profile.title)
    for user in profile_provider_users(profile=review.profile):
        notify(
            recipient=user,
            kind=Kind.REVIEW,
            title=title,
            url="/dashboard/reviews/",
            dedupe_key=f"review:{review.pk}:published",
        )


# --- Checks -----------------------------------------------------------------------


def _checked_ratings(**ratings: Any) -> dict[str, int | None]:  # noqa: ANN401
    """``rating`` 1-5 (required), the aspects 1-5 or None."""
    errors: dict[str, list[str]] = {}
    checked: dict[str, int | None] = {}
    for name, value in ratings.items():
        if value is None and name in ASPECTS:
            checked[name] = None
            continue
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
            errors[name] = ["Choose a whole number of stars from 1 to 5."]
            continue
        checked[name] = value
    if errors:
        raise ValidationFailed(fields=errors)
    return checked


def _checked_text(
    text: Any,  # noqa: ANN401
    *,
    max_length: int,
    where: str,
    minimum: int = TEXT_MIN,
) -> str:
    """Plain text within its length, without control characters, that passes
    the text check (core.text_checks): each finding says what to change."""
    text = (text if isinstance(text, str) else "").replace("\r\n", "\n").strip()
    problems = []
    if len(text) < minimum:
        problems.append(f"Write at least {minimum} characters.")
    elif len(text) > max_length:
        problems.append(f"At most {max_length} characters.")
    elif has_control_characters(text):
        problems.append("Control characters are not allowed.")
    if problems:
        raise ValidationFailed(fields={"text": problems})
    findings = check_text(text, rules=review_rules(where=where))
    if findings:
        messages = finding_messages(findings)
        raise ValidationFailed(" ".join(messages), fields={"text": messages})
    return text
