"""Where reviews join the pages and APIs of directory, which sits below reviews
and may not import it (docs/reviews-display.md):

- ``PROFILE_RATING_HOOK`` (directory/ratings.py): the public-rating annotations
  that cards, API v1, Wagtail API v2 and the profile's JSON-LD read;
- ``PROFILE_CONTEXT_HOOK`` (directory/profile_page.py): the reviews section of
  the public profile page.

Imported by ``ReviewsConfig.ready``."""

from __future__ import annotations

from django.db.models import Expression
from django.http import HttpRequest
from wagtail import hooks

from directory.models import EscortProfilePage
from directory.profile_page import PROFILE_CONTEXT_HOOK
from directory.ratings import PROFILE_RATING_HOOK
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
