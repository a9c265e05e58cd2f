"""The search endpoints' contract: visibility follows approval, OpenAPI, no logging
of suggestions."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from search.apis import SearchApi, search_results
from search.indexer import search_documents_refresh
from search.models import SearchQueryLog
from search.params import params_from_query
from search.selectors import search_profiles
from tests.factories.reviews import add_review, set_reviews
from tests.factories.search import live_city, live_profile

pytestmark = pytest.mark.django_db
URL = "/api/v1/search"


def names(api_client, **params) -> list[str]:  # noqa: ANN003
    body = api_client.get(URL, {"page_size": 50, **params}).json()
    return [r["display_name"] for r in body["results"]]


def test_edits_appear_only_after_approval(
    api_client, django_capture_on_commit_callbacks
):
    page = live_profile("Greta", city=live_city("Berlin"), tagline="opera evenings")
    page.tagline = "gallery openings"
    page.save_revision()  # a draft awaiting review
    assert names(api_client, q="gallery") == []
    assert names(api_client, q="opera") == ["Greta"]
    with django_capture_on_commit_callbacks(execute=True):
        page.get_latest_revision().publish()
    assert names(api_client, q="gallery") == ["Greta"]
    assert names(api_client, q="opera") == []


def test_unpublished_profile_disappears(api_client, django_capture_on_commit_callbacks):
    page = live_profile("Hanna", city=live_city("Berlin"))
    assert names(api_client) == ["Hanna"]
    page.refresh_from_db()  # publishing went through a revision, not this object
    with django_capture_on_commit_callbacks(execute=True):
        page.unpublish()
    assert names(api_client) == []


def test_result_shape(api_client):
    live_profile("Ida", city=live_city("Berlin"), is_vip=True, eur_per_hour=250)
    body = api_client.get(URL).json()
    (row,) = body["results"]
    assert row["band"] == "vip"
    assert row["from_eur_per_hour"] == 250
    assert row["city"] == "Berlin"
    assert row["url"].endswith("/ida/")
    assert body["total"] == 1 and body["next"] is None


def test_suggest_is_not_logged_and_search_is(api_client):
    live_profile("Isabella", city=live_city("Berlin"))
    body = api_client.get(f"{URL}/suggest", {"q": "isabela"}).json()
    assert [p["name"] for p in body["profiles"]] == ["Isabella"]
    assert not SearchQueryLog.objects.exists()
    api_client.get(URL, {"q": "Isabella"})
    assert SearchQueryLog.objects.get().query == "isabella"


def test_openapi_documents_every_parameter(api_client):
    schema = api_client.get("/api/schema/", {"format": "json"}).json()
    names_ = {p["name"] for p in schema["paths"]["/api/v1/search"]["get"]["parameters"]}
    assert {
        "q",
        "city",
        "lat",
        "lng",
        "radius_km",
        "price_min",
        "price_max",
        "services",
        "services_mode",
        "languages",
        "verified",
        "vip",
        "rating_min",
        "touring_now",
        "available_from",
        "available_to",
        "sort",
        "page_size",
        "cursor",
    } <= names_


def test_cached_facet_counts_follow_every_index_write(
    api_client, django_capture_on_commit_callbacks
):
    city = live_city("Ghent", slug="ghent-facets")
    with django_capture_on_commit_callbacks(execute=True):
        live_profile("Greta", city=city, slug="greta-facets")
    first = api_client.get("/api/v1/search", {"city": city.pk}).json()

    with django_capture_on_commit_callbacks(execute=True):
        live_profile("Gala", city=city, slug="gala-facets")
    second = api_client.get("/api/v1/search", {"city": city.pk}).json()

    assert (first["total"], first["facets"]["total"]) == (1, 1)
    assert (second["total"], second["facets"]["total"]) == (2, 2)
    assert second["facets"]["cities"] == {str(city.pk): 2}


def test_facet_counts_are_cached_for_the_same_filters(
    api_client, django_assert_max_num_queries
):
    city = live_city("Bruges", slug="bruges-facets")
    live_profile("Bea", city=city, slug="bea-facets")
    api_client.get("/api/v1/search", {"city": city.pk, "sort": "newest"})

    # Another sort of the same filters: the page is queried, the counts are not.
    with django_assert_max_num_queries(6) as captured:
        body = api_client.get("/api/v1/search", {"city": city.pk}).json()
    assert body["total"] == 1
    assert not any("count(" in q["sql"].lower() for q in captured.captured_queries)


def test_results_are_what_the_documented_serializer_makes_of_them(api_client):
    """The view builds each result without a serializer (search.apis.
    search_results); it must be what SearchApi.OutputSerializer (the schema)
    makes of the same documents: here with a distance, a rating and a price."""
    berlin = live_city("Berlin")
    rated = live_profile("Ida", city=berlin, is_vip=True, eur_per_hour=250)
    live_profile("Jo", city=berlin)
    set_reviews(rated, enabled=True)
    add_review(rated, 5)
    add_review(rated, 4)
    search_documents_refresh(profile_ids=[rated.pk])
    query = {"sort": "distance", "lat": 52.5, "lng": 13.4, "page_size": 50}
    request = Request(APIRequestFactory().get(URL, query))
    params = params_from_query(request.query_params)
    documents = search_profiles(params=params, seed="test").documents

    ours = search_results(documents, request=request)

    documented = SearchApi.OutputSerializer(
        documents, many=True, context={"request": request}
    ).data
    assert JSONRenderer().render(ours) == JSONRenderer().render(documented)
    by_name = {row["display_name"]: row for row in ours}
    assert by_name["Ida"]["rating"] == {"average": Decimal("4.50"), "count": 2}
    assert by_name["Ida"]["distance_km"] is not None
    assert by_name["Ida"]["from_eur_per_hour"] == 250
    assert api_client.get(URL, query).json()["results"] == json.loads(
        JSONRenderer().render(ours)
    )
