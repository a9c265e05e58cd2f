"""The reviews section of the public profile page (templates/reviews/
_profile_reviews.html), added to the page's context by the
``construct_profile_page_context`` hook (reviews/display_hooks.py).

Reviews off: nothing, in one query. Reviews on: the summary and one page of
reviews (``?reviews_page=``, 10 per page) in two more, however many reviews
there are: the paginator takes its count from the summary instead of asking."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

from directory.models import EscortProfilePage
from directory.ratings import PublicRating, prime_public_rating
from reviews.models import Review
from reviews.selectors import RatingSummary, public_reviews_for, rating_summary_for

REVIEWS_PER_PAGE = 10
PAGE_PARAMETER = "reviews_page"


@dataclass(frozen=True)
class ProfileReviews:
    summary: RatingSummary
    page: Page
    page_range: list[int | str]

    @property
    def reviews(self) -> list[Review]:
        return list(self.page.object_list)


def profile_reviews(
    *, profile: EscortProfilePage, request: HttpRequest | None
) -> ProfileReviews | None:
    summary = rating_summary_for(profile=profile)
    prime_public_rating(
        profile,
        PublicRating(summary.average, summary.count) if summary else None,
    )
    if summary is None:
        return None
    paginator = Paginator(public_reviews_for(profile=profile), REVIEWS_PER_PAGE)
    # Paginator.count is a cached property: the summary counted the same rows.
    paginator.__dict__["count"] = summary.count
    number = request.GET.get(PAGE_PARAMETER) if request is not None else None
    # get_page: a malformed number is page 1, one past the end the last page.
    page = paginator.get_page(number)
    page.object_list = list(page.object_list)
    return ProfileReviews(
        summary=summary,
        page=page,
        page_range=list(paginator.get_elided_page_range(page.number, on_each_side=1)),
    )
