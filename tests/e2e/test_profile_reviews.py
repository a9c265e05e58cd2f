"""A visitor reads a profile's reviews: the summary (average as text, count,
distribution), reviews with the provider's reply, and the next page of reviews
through the pagination links, at both widths, with every page check passing."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from tests.e2e.checks import check_page
from tests.factories.bookings import bookable_profile
from tests.factories.pages import make_city
from tests.factories.reviews import add_review, set_reviews

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _profile():  # noqa: ANN202
    city = make_city("Lisbon", country="Portugal", time_zone="Europe/Lisbon")
    profile = bookable_profile("Ines", city=city, min_notice_minutes=0)
    set_reviews(profile, enabled=True)
    for n in range(12):
        add_review(
            profile,
            (5, 4, 5, 3)[n % 4],
            text=f"Evening number {n:02d}: a relaxed dinner and lovely conversation.",
            days_ago=40 - n,
            punctuality=5 if n % 2 else None,
            reply="Thank you for a wonderful evening." if n == 11 else "",
        )
    return profile


def test_profile_reviews_summary_reply_and_pages(live_server, new_page, viewport):
    profile = _profile()
    page = new_page()
    page.goto(f"{live_server.url}{profile.url}")
    check_page(page)

    reviews = page.get_by_role("region", name="Reviews")
    expect(reviews.get_by_text("4.3", exact=True)).to_be_visible()
    expect(reviews.get_by_text("out of 5", exact=True)).to_be_visible()
    expect(reviews.get_by_text("12 reviews")).to_be_visible()
    expect(reviews.get_by_text("Reply from Ines")).to_be_visible()
    expect(reviews.get_by_text("Evening number 11:")).to_be_visible()
    if shots := os.environ.get("REVIEWS_SCREENSHOTS"):
        reviews.screenshot(path=f"{shots}/reviews-{viewport['width']}.png")

    reviews.get_by_role("link", name="Older").click()
    page.wait_for_url("**?reviews_page=2#reviews")
    check_page(page)
    reviews = page.get_by_role("region", name="Reviews")
    expect(reviews.get_by_text("Evening number 00:")).to_be_visible()
    expect(reviews.get_by_text("Evening number 11:")).to_have_count(0)
