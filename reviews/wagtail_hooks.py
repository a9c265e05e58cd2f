"""Reviews in the Wagtail admin: the moderation queue ("Reviews"), waiting
reviews first, oldest first. Seeing it takes "view review" (the Moderators
group has it by migration; superusers have every permission); deciding takes
being a moderator (``accounts.selectors.user_is_moderator``) and goes through
the audited ``review_moderate`` service. Also answers moderation's
``REPORT_TARGET_HOOK`` for reports of reviews (docs/reporting.md)."""

from __future__ import annotations

from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from accounts.models import User
from core.wagtail_admin import ReadOnlyModelViewSet
from moderation.reporting import REPORT_TARGET_HOOK, ReportTarget, TargetKind
from reviews.admin_views import (
    LIST_COLUMNS,
    VIEWSET_NAME,
    ReviewFilterSet,
    ReviewInspectView,
    ReviewModerateView,
)
from reviews.models import Review
from reviews.selectors import review_queue, review_reportable_get
from reviews.services import review_evidence


class ReviewViewSet(ReadOnlyModelViewSet):
    model = Review
    # Not "reviews": the site's own review pages own that URL namespace.
    name = VIEWSET_NAME
    url_prefix = "reviews/moderation"
    icon = "comment"
    menu_label = _("Reviews")
    menu_order = 260
    add_to_admin_menu = True
    inspect_view_class = ReviewInspectView
    list_display = LIST_COLUMNS
    filterset_class = ReviewFilterSet
    inspect_view_fields = [
        "id",
        "status",
        "rating",
        "punctuality",
        "communication",
        "as_described",
        "text",
        "profile",
        "booking",
        "author",
        "created_at",
        "edited_at",
        "moderated_at",
        "moderation_reason",
        "reply",
    ]

    def get_index_view_kwargs(self, **kwargs) -> dict:  # noqa: ANN003
        # Pending first, oldest first (review_queue's order: no default ordering).
        return super().get_index_view_kwargs(queryset=review_queue(), **kwargs)


@hooks.register("register_admin_viewset")
def register_review_viewset() -> ReviewViewSet:
    return ReviewViewSet()


@hooks.register("register_admin_urls")
def register_review_moderation_urls() -> list:
    urls = [path("<int:pk>/", ReviewModerateView.as_view(), name="moderate")]
    return [
        path(
            "reviews/decide/",
            include((urls, "review_decide"), namespace="review_decide"),
        )
    ]


@hooks.register(REPORT_TARGET_HOOK)
def review_report_target(
    *, kind: str, user: User, target_id: int
) -> ReportTarget | None:
    """Reviews answer moderation's /report/review/<id>/ and the API's
    ``target_type: review``: a published review anyone signed in can see, or
    (provider side) one of their profiles' reviews waiting for a moderator."""
    if kind != TargetKind.REVIEW:
        return None
    review = review_reportable_get(user=user, review_id=target_id)
    return ReportTarget(
        kind=TargetKind.REVIEW,
        obj=review,
        subject_user=review.author,
        evidence=review_evidence(review),
        label=str(_("a review of %(name)s") % {"name": review.profile.title}),
        url=f"{review.profile.url or ''}#review-{review.pk}",
    )
