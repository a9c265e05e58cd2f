"""Where reviews join the pages and APIs of directory, which sits below reviews
and may not import it (docs/reviews-display.md):

- ``PROFILE_RATING_HOOK`` (directory/ratings.py): the public-rating annotations
  that cards, API v1, Wagtail API v2 and the profile's JSON-LD read;
- ``PROFILE_CONTEXT_HOOK`` (directory/profile_page.py): the reviews section of
  the public profile page;
- the admin report "Review statistics" (reviews/admin_stats.py), registered
  here because reviews/wagtail_hooks.py belongs to the moderation side.

Imported by ``ReviewsConfig.ready``."""

from __future__ import annotations

from django.db.models import Expression
from django.http import HttpRequest
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from directory.models import EscortProfilePage
from directory.profile_page import PROFILE_CONTEXT_HOOK
from directory.ratings import PROFILE_RATING_HOOK
from reviews.admin_stats import ReviewStatisticsView, user_may_see_review_statistics
from reviews.profile_reviews import profile_reviews
from reviews.selectors import rating_annotations


@hooks.register(PROFILE_RATING_HOOK)
def public_rating_annotations() -> dict[str, Expression]:
    return rating_annotations()


@hooks.register(PROFILE_CONTEXT_HOOK)
def add_profile_reviews(
    page: EscortProfilePage, request: HttpRequest | None, context: dict
) -> None:
    """Nothing when reviews are off; a page never saved has none."""
    if page.pk is None:
        return
    reviews = profile_reviews(profile=page, request=request)
    if reviews is not None:
        context["reviews"] = reviews


class ReviewStatisticsMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return user_may_see_review_statistics(request.user)


@hooks.register("register_admin_urls")
def register_review_statistics_url() -> list:
    return [
        path(
            "reports/review-statistics/",
            ReviewStatisticsView.as_view(),
            name="review_statistics",
        )
    ]


@hooks.register("register_reports_menu_item")
def register_review_statistics_menu_item() -> MenuItem:
    return ReviewStatisticsMenuItem(
        _("Review statistics"),
        reverse("review_statistics"),
        name="review-statistics",
        icon_name="pick",
        order=1100,
    )
