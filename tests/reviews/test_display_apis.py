"""Ratings in API v1 (profile list and detail) and Wagtail API v2 (``rating``
on EscortProfilePage): ``{average, count}`` or null when the provider has
reviews off; public figures only; listings in a constant number of queries."""

from __future__ import annotations

import pytest

from reviews.models import Review
from tests.factories.bookings import bookable_profile
from tests.factories.reviews import add_review, set_reviews

pytestmark = pytest.mark.django_db

V2_PROFILES = "/api/v2/pages/?type=directory.EscortProfilePage&fields=rating&limit=50"


@pytest.fixture
def rated(sofia, nadia):
    add_review(sofia, 5)
    add_review(sofia, 4)
    add_review(sofia, 2)
    add_review(sofia, 1, status=Review.Status.HIDDEN)
    add_review(sofia, 1, status=Review.Status.PENDING)
    add_review(nadia, 5)  # reviews off: never shown
    return {"sofia": sofia, "nadia": nadia}


def by_name(results: list[dict], key: str = "display_name") -> dict[str, dict]:
    return {item[key]: item for item in results}


# --- API v1 -------------------------------------------------------------------------


def test_v1_detail_and_list_carry_the_public_rating(api_client, rated):
    sofia, nadia = rated["sofia"], rated["nadia"]
    detail = api_client.get(f"/api/v1/escorts/{sofia.pk}").json()
    assert detail["rating"] == {"average": 3.67, "count": 3}
    assert api_client.get(f"/api/v1/escorts/{nadia.pk}").json()["rating"] is None

    listed = by_name(api_client.get("/api/v1/escorts").json()["results"])
    assert listed["Sofia"]["rating"] == {"average": 3.67, "count": 3}
    assert listed["Nadia"]["rating"] is None


def test_v1_reviews_on_without_reviews_is_a_zero_count(api_client, sofia):
    detail = api_client.get(f"/api/v1/escorts/{sofia.pk}").json()
    assert detail["rating"] == {"average": None, "count": 0}


def test_v1_turning_reviews_off_makes_the_rating_null(api_client, rated):
    set_reviews(rated["sofia"], enabled=False)
    detail = api_client.get(f"/api/v1/escorts/{rated['sofia'].pk}").json()
    assert detail["rating"] is None


def test_v1_list_query_count_does_not_grow_with_rated_profiles(
    api_client, lisbon, rated, django_assert_max_num_queries
):
    def counted() -> int:
        with django_assert_max_num_queries(12) as captured:
            assert api_client.get("/api/v1/escorts?page_size=30").status_code == 200
        return len(captured)

    counted()  # warms the per-process caches (site, content types)
    before = counted()
    for n in range(5):
        profile = bookable_profile(f"Extra {n}", city=lisbon)
        set_reviews(profile, enabled=True)
        add_review(profile, 1 + n)
    assert counted() == before


# --- Wagtail API v2 -----------------------------------------------------------------


def test_v2_detail_and_listing_carry_the_public_rating(api_client, rated):
    sofia, nadia = rated["sofia"], rated["nadia"]
    assert api_client.get(f"/api/v2/pages/{sofia.pk}/").json()["rating"] == {
        "average": 3.67,
        "count": 3,
    }
    assert api_client.get(f"/api/v2/pages/{nadia.pk}/").json()["rating"] is None

    listed = by_name(api_client.get(V2_PROFILES).json()["items"], key="title")
    assert listed["Sofia"]["rating"] == {"average": 3.67, "count": 3}
    assert listed["Nadia"]["rating"] is None


def test_v2_turning_reviews_off_makes_the_rating_null(api_client, rated):
    set_reviews(rated["sofia"], enabled=False)
    sofia = rated["sofia"]
    assert api_client.get(f"/api/v2/pages/{sofia.pk}/").json()["rating"] is None
    listed = by_name(api_client.get(V2_PROFILES).json()["items"], key="title")
    assert listed["Sofia"]["rating"] is None


def test_v2_shows_no_review_text_or_author(api_client, rated):
    text = api_client.get(f"/api/v2/pages/{rated['sofia'].pk}/").content.decode()
    for review in Review.objects.all():
        assert review.text not in text
        assert review.author.email not in text


def test_v2_search_still_works_with_the_rating_annotation(api_client, rated):
    response = api_client.get(
        "/api/v2/pages/?type=directory.EscortProfilePage&fields=rating&search=Sofia"
    )
    assert response.status_code == 200
    titles = [item["title"] for item in response.json()["items"]]
    assert titles == ["Sofia"]


def test_v2_listing_query_count_does_not_grow_with_rated_profiles(
    api_client, lisbon, rated, django_assert_max_num_queries
):
    url = "/api/v2/pages/?type=directory.EscortProfilePage&fields=*&limit=50"

    def counted() -> int:
        with django_assert_max_num_queries(30) as captured:
            assert api_client.get(url).status_code == 200
        return len(captured)

    counted()  # warms the per-process caches (site, content types)
    before = counted()
    for n in range(5):
        profile = bookable_profile(f"Extra {n}", city=lisbon)
        set_reviews(profile, enabled=n % 2 == 0)
        add_review(profile, 1 + n)
    assert counted() == before
