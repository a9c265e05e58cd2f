"""The index carries each profile's public rating (average and count, from
reviews.selectors), so the rating filter and the "Best rated" sort return the
right profiles; turning reviews off takes the rating out of the index; the
``ratings_changed`` signal refreshes the row through the outbox."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.models import OutboxEntry
from reviews.models import Review
from reviews.signals import ratings_changed
from search.indexer import search_documents_refresh
from search.models import ProfileSearchDocument
from tests.factories.reviews import add_review, set_reviews

pytestmark = pytest.mark.django_db
URL = "/api/v1/search"


@pytest.fixture
def rated(world):
    """Anna 4.50 (2), Bea 5.00 (1), Chloé 3.00 (3, plus a hidden 1), Dora
    reviews on but none public, Emma off with published reviews, Fiona never."""
    for name in ("Anna", "Bea", "Chloé", "Dora"):
        set_reviews(world[name], enabled=True)
    add_review(world["Anna"], 5)
    add_review(world["Anna"], 4)
    add_review(world["Bea"], 5)
    for rating in (3, 2, 4):
        add_review(world["Chloé"], rating)
    add_review(world["Chloé"], 1, status=Review.Status.HIDDEN)
    add_review(world["Dora"], 5, status=Review.Status.PENDING)
    add_review(world["Emma"], 5)
    add_review(world["Emma"], 5)
    names = ["Anna", "Bea", "Chloé", "Dora", "Emma", "Fiona"]
    search_documents_refresh(profile_ids=[world[n].pk for n in names])
    return world


def ratings() -> dict[str, tuple]:
    return {
        d.display_name: (d.rating_avg, d.rating_count)
        for d in ProfileSearchDocument.objects.all()
    }


def names(api_client, **params) -> list[str]:  # noqa: ANN001, ANN003
    response = api_client.get(URL, {"page_size": 50, **params})
    assert response.status_code == 200, response.content
    return [r["display_name"] for r in response.json()["results"]]


def test_the_indexer_writes_public_rating_average_and_count(rated):
    assert ratings() == {
        "Anna": (Decimal("4.50"), 2),
        "Bea": (Decimal("5.00"), 1),
        "Chloé": (Decimal("3.00"), 3),
        "Dora": (None, 0),
        "Emma": (None, 0),
        "Fiona": (None, 0),
    }


def test_rating_filter_returns_the_right_profiles(api_client, rated):
    assert set(names(api_client, rating_min=4.5)) == {"Anna", "Bea"}
    assert set(names(api_client, rating_min=4.6)) == {"Bea"}
    assert set(names(api_client, rating_min=3)) == {"Anna", "Bea", "Chloé"}
    # Without a public rating a profile never passes a rating filter.
    assert set(names(api_client, rating_min=0)) == {"Anna", "Bea", "Chloé"}


def test_rating_sort_best_first_then_unrated(api_client, rated):
    order = names(api_client, sort="rating")
    assert order[:3] == ["Bea", "Anna", "Chloé"]
    assert set(order[3:]) == {"Dora", "Emma", "Fiona"}


def test_search_results_carry_the_rating(api_client, rated):
    results = {
        r["display_name"]: r["rating"]
        for r in api_client.get(URL, {"page_size": 50}).json()["results"]
    }
    assert results["Anna"] == {"average": 4.5, "count": 2}
    assert results["Emma"] is None and results["Dora"] is None


def test_turning_reviews_off_removes_the_rating_from_the_index(api_client, rated):
    set_reviews(rated["Bea"], enabled=False)
    search_documents_refresh(profile_ids=[rated["Bea"].pk])

    assert ratings()["Bea"] == (None, 0)
    assert "Bea" not in names(api_client, rating_min=1)
    assert names(api_client, sort="rating")[:2] == ["Anna", "Chloé"]
    assert "Bea" in names(api_client, sort="rating")[2:]


def test_ratings_changed_refreshes_the_row_through_the_outbox(
    rated, django_capture_on_commit_callbacks
):
    set_reviews(rated["Fiona"], enabled=True)
    add_review(rated["Fiona"], 2)
    assert ratings()["Fiona"] == (None, 0)  # not yet: nothing told the index

    before = OutboxEntry.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        ratings_changed.send(sender=Review, profile_id=rated["Fiona"].pk)

    entry = OutboxEntry.objects.order_by("-pk").first()
    assert OutboxEntry.objects.count() == before + 1
    assert entry.task == "search.tasks.refresh_profile"
    assert entry.args == [rated["Fiona"].pk]
    # Test settings run the delivered task eagerly: the row is current.
    assert ratings()["Fiona"] == (Decimal("2.00"), 1)
