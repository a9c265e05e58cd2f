"""Reviews in the Wagtail admin: the moderation queue ("Reviews"), waiting
reviews first, oldest first. Seeing it takes "view review" (the Moderators
group has it by migration; superusers have every permission); deciding takes
being a moderator (``accounts.selectors.user_is_moderator``) and goes through
the audited ``review_moderate`` service."""

from __future__ import annotations

from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from core.wagtail_admin import ReadOnlyModelViewSet
from reviews.admin_views import (
    LIST_COLUMNS,
    VIEWSET_NAME,
    ReviewFilterSet,
    ReviewInspectView,
    ReviewModerateView,
)
from reviews.models import Review
from reviews.selectors import review_queue


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
