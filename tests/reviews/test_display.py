"""What the public sees of reviews: the one home (reviews.selectors), the profile
page's section (summary, distribution, reviews with replies, pagination,
constant queries), the cards' "4.8 (12)", and that turning reviews off hides
all of it."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest

from directory.ratings import PublicRating, public_rating_of
from reviews.models import Review
from reviews.selectors import (
    public_reviews,
    public_reviews_for,
    rating_summary_for,
    ratings_for,
)
from tests.factories.bookings import bookable_profile
from tests.factories.reviews import add_review, set_reviews

pytestmark = pytest.mark.django_db


def section(html: str) -> str:
    start = html.index('id="reviews"')
    return html[start : html.index("</section>", start)]


def json_ld_blocks(html: str) -> list[dict]:
    return [
        json.loads(m)
        for m in re.findall(
            r'<script type="application/ld\+json">(.*?)</script>', html, re.S
        )
    ]


# --- The one home -----------------------------------------------------------------


def test_only_published_reviews_of_profiles_with_reviews_on_are_public(sofia, nadia):
    shown = add_review(sofia, 5)
    for status in (Review.Status.PENDING, Review.Status.REJECTED, Review.Status.HIDDEN):
        add_review(sofia, 1, status=status)
    add_review(nadia, 4)  # published, but Nadia never turned reviews on
    assert list(public_reviews()) == [shown]
    assert list(public_reviews_for(profile=sofia)) == [shown]
    assert list(public_reviews_for(profile=nadia)) == []

    set_reviews(sofia, enabled=False)
    assert list(public_reviews()) == []
    set_reviews(nadia, enabled=True)
    assert [r.profile_id for r in public_reviews()] == [nadia.pk]


def test_summary_average_to_two_decimals_distribution_and_aspects(sofia):
    add_review(sofia, 5, punctuality=5, communication=4)
    add_review(sofia, 5, punctuality=4)
    add_review(sofia, 4)
    add_review(sofia, 1, status=Review.Status.HIDDEN, punctuality=1)

    summary = rating_summary_for(profile=sofia)

    assert summary.average == Decimal("4.67")
    assert summary.count == 3
    assert summary.distribution == {5: 2, 4: 1, 3: 0, 2: 0, 1: 0}
    assert [(b.stars, b.count, b.percent) for b in summary.bars] == [
        (5, 2, 67),
        (4, 1, 33),
        (3, 0, 0),
        (2, 0, 0),
        (1, 0, 0),
    ]
    assert summary.aspects == {
        "punctuality": Decimal("4.50"),
        "communication": Decimal("4.00"),
        "as_described": None,
    }


def test_summary_is_none_when_off_and_empty_when_on_without_reviews(sofia, nadia):
    add_review(nadia, 5)
    assert rating_summary_for(profile=nadia) is None
    empty = rating_summary_for(profile=sofia)
    assert (empty.average, empty.count) == (None, 0)


def test_bulk_ratings_in_one_query_leave_out_profiles_with_reviews_off(
    sofia, nadia, lisbon, django_assert_num_queries
):
    other = bookable_profile("Elena", city=lisbon)
    set_reviews(other, enabled=True)
    add_review(sofia, 4)
    add_review(sofia, 3)
    add_review(nadia, 5)
    with django_assert_num_queries(1):
        ratings = ratings_for(profile_ids=[sofia.pk, nadia.pk, other.pk])
    assert set(ratings) == {sofia.pk, other.pk}
    assert (ratings[sofia.pk].average, ratings[sofia.pk].count) == (Decimal("3.50"), 2)
    assert (ratings[other.pk].average, ratings[other.pk].count) == (None, 0)


def test_a_single_profile_asks_once_then_keeps_its_rating(
    sofia, django_assert_num_queries
):
    add_review(sofia, 4)
    with django_assert_num_queries(1):
        assert public_rating_of(sofia) == PublicRating(Decimal("4.00"), 1)
        assert public_rating_of(sofia) == PublicRating(Decimal("4.00"), 1)


# --- Profile page -----------------------------------------------------------------


def test_profile_page_shows_summary_distribution_and_reviews_with_replies(
    client, sofia
):
    add_review(sofia, 5, text="A delightful evening at the opera.", days_ago=9)
    add_review(
        sofia,
        4,
        text="Great conversation over dinner.",
        reply="Thank you, it was a lovely evening.",
        replied_at=sofia.first_published_at,
        communication=5,
    )
    add_review(sofia, 2, status=Review.Status.PENDING, text="Waiting for moderation")

    html = client.get(sofia.url).content.decode()
    reviews = section(html)

    assert "4.5" in reviews and "out of 5" in reviews
    assert "2 reviews" in reviews
    assert "A delightful evening at the opera." in reviews
    assert "Great conversation over dinner." in reviews
    assert "Reply from Sofia" in reviews
    assert "Thank you, it was a lovely evening." in reviews
    assert "Waiting for moderation" not in html
    assert "Communication 5/5" in reviews
    # Stars are decoration; each rating is also written as text.
    assert "5 out of 5" in reviews and "4 out of 5" in reviews
    assert 'class="stars stars--9" aria-hidden="true"' in reviews
    # The distribution: a row per star, five first.
    rows = re.findall(r'<th scope="row">(\d) stars?</th>', reviews)
    assert rows == ["5", "4", "3", "2", "1"]
    # The author's name is never shown.
    for review in Review.objects.filter(profile=sofia):
        assert review.author.email not in html


def test_profile_page_with_reviews_on_but_none_yet(client, sofia):
    reviews = section(client.get(sofia.url).content.decode())
    assert "No reviews of Sofia yet" in reviews


def test_nothing_when_off_even_with_published_reviews(client, sofia, nadia):
    add_review(nadia, 5, text="Would book again without hesitation.")
    add_review(sofia, 5, text="A perfect companion for the gala.")
    set_reviews(sofia, enabled=False)
    for profile in (sofia, nadia):
        html = client.get(profile.url).content.decode()
        assert 'id="reviews"' not in html
        assert "Would book again" not in html and "perfect companion" not in html
        assert not any("aggregateRating" in json.dumps(b) for b in json_ld_blocks(html))


def test_reviews_are_paginated_ten_per_page_newest_first(client, sofia):
    for n in range(23):
        add_review(sofia, 1 + n % 5, text=f"Review number {n:02d}.", days_ago=30 - n)

    first = section(client.get(sofia.url).content.decode())
    numbers = re.findall(r"Review number (\d\d)\.", first)
    assert numbers == [f"{n:02d}" for n in range(22, 12, -1)]
    assert "Reviews page 1 of 3" in first
    assert 'href="?reviews_page=2#reviews"' in first

    last = section(client.get(f"{sofia.url}?reviews_page=3").content.decode())
    assert re.findall(r"Review number (\d\d)\.", last) == ["02", "01", "00"]
    assert 'rel="prev" href="?reviews_page=2#reviews"' in last

    for bad in ("abc", "0", "-1", "99999999999999999999"):
        response = client.get(f"{sofia.url}?reviews_page={bad}")
        assert response.status_code == 200
        assert "Review number" in section(response.content.decode())


def test_profile_page_query_count_does_not_grow_with_reviews(
    client, sofia, lisbon, django_assert_max_num_queries
):
    crowded = bookable_profile("Crowded", city=lisbon, min_notice_minutes=0)
    set_reviews(crowded, enabled=True)
    add_review(sofia, 5, reply="Thank you!", replied_at=sofia.first_published_at)
    for n in range(15):
        add_review(
            crowded, 1 + n % 5, reply="Thanks", replied_at=crowded.first_published_at
        )
    counts = []
    for profile in (sofia, crowded):
        client.get(profile.url)
        with django_assert_max_num_queries(30) as captured:
            response = client.get(profile.url)
        assert 'id="reviews"' in response.content.decode()
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_reviews_cost_one_query_when_off_three_when_on(
    client, sofia, nadia, django_assert_max_num_queries
):
    """The section's own cost: the switch, then the summary and one page."""
    add_review(sofia, 5)

    def reviews_queries(profile) -> int:  # noqa: ANN001
        client.get(profile.url)
        with django_assert_max_num_queries(60) as captured:
            client.get(profile.url)
        # Read now: the next request outside the block resets the query log.
        return sum("reviews_" in q["sql"] for q in captured.captured_queries)

    assert reviews_queries(nadia) == 1
    assert reviews_queries(sofia) == 3


# --- JSON-LD ----------------------------------------------------------------------


def _aggregate(client, profile) -> dict | None:  # noqa: ANN001
    html = client.get(profile.url).content.decode()
    (page,) = [b for b in json_ld_blocks(html) if b["@type"] == "ProfilePage"]
    offer = page["mainEntity"].get("makesOffer")
    return offer["itemOffered"]["aggregateRating"] if offer else None


def test_json_ld_aggregate_rating_when_on_with_reviews(client, sofia):
    assert _aggregate(client, sofia) is None  # on, but no review yet
    add_review(sofia, 5)
    add_review(sofia, 4)
    add_review(sofia, 4)
    assert _aggregate(client, sofia) == {
        "@type": "AggregateRating",
        "ratingValue": "4.33",
        "ratingCount": 3,
        "reviewCount": 3,
        "bestRating": 5,
        "worstRating": 1,
    }
    set_reviews(sofia, enabled=False)
    assert _aggregate(client, sofia) is None


def test_json_ld_has_no_aggregate_rating_on_agency_managed_profiles(client, sofia):
    from directory.models import Agency, EscortProfilePage

    add_review(sofia, 5)
    agency = Agency.objects.create(name="Maison Lisboa", slug="maison-lisboa")
    EscortProfilePage.objects.filter(pk=sofia.pk).update(agency=agency)
    sofia.refresh_from_db()
    assert _aggregate(client, sofia) is None
    # The reviews themselves still show: only the markup is withheld.
    assert "out of 5" in section(client.get(sofia.url).content.decode())


# --- Cards ------------------------------------------------------------------------


def test_cards_show_the_rating_where_reviews_are_on(client, sofia, nadia, lisbon):
    add_review(sofia, 5)
    add_review(sofia, 4)
    add_review(nadia, 5)  # off: no rating on her card
    html = client.get(lisbon.url).content.decode()
    cards = {
        name: html[html.index(f">{name}</a>") :][:2000] for name in ("Sofia", "Nadia")
    }
    sofia_card = cards["Sofia"][: cards["Sofia"].index("</article>")]
    nadia_card = cards["Nadia"][: cards["Nadia"].index("</article>")]
    assert "★</span> 4.5 (2)" in sofia_card
    assert "Rated 4.5 out of 5 from 2 reviews" in sofia_card
    assert "profile-card__rating" not in nadia_card


def test_a_card_with_reviews_on_but_none_shows_no_rating(client, sofia, lisbon):
    html = client.get(lisbon.url).content.decode()
    assert "profile-card__rating" not in html


def test_city_listing_query_count_is_constant_with_ratings(
    client, lisbon, django_assert_max_num_queries
):
    def counted() -> int:
        client.get(lisbon.url)
        with django_assert_max_num_queries(40) as captured:
            client.get(lisbon.url)
        return len(captured)

    first = bookable_profile("First", city=lisbon)
    set_reviews(first, enabled=True)
    add_review(first, 5)
    before = counted()
    for n in range(6):
        profile = bookable_profile(f"More {n}", city=lisbon)
        set_reviews(profile, enabled=n % 2 == 0)
        add_review(profile, 1 + n % 5)
    assert counted() == before
