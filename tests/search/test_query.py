"""Search filters, facets and keyset paging against a small hand-checked fixture."""

from __future__ import annotations

import pytest

from search.models import SearchQueryLog
from tests.assertions import assert_error_shape
from tests.factories.pages import (
    make_profile,
)

pytestmark = pytest.mark.django_db
URL = "/api/v1/search"


def names(api_client, **params) -> set[str]:  # noqa: ANN003
    response = api_client.get(URL, {"page_size": 50, **params})
    assert response.status_code == 200, response.content
    return {r["display_name"] for r in response.json()["results"]}


def test_filters_alone_and_combined(api_client, world):
    berlin, paris = world["cities"]["berlin"], world["cities"]["paris"]
    assert names(api_client) == {"Anna", "Bea", "Chloé", "Dora", "Emma", "Fiona"}
    assert names(api_client, city=berlin.pk) == {"Anna", "Bea"}
    assert names(api_client, city=paris.pk, touring_now="true") == {"Emma"}
    assert names(api_client, price_min=300) == {"Bea", "Chloé", "Dora"}
    assert names(api_client, price_max=250) == {"Anna", "Emma", "Fiona"}
    assert names(api_client, price_min=200, price_max=300) == {"Anna", "Chloé", "Fiona"}
    assert names(api_client, services="dinner-date,travel-companion") == {"Bea", "Dora"}
    assert names(
        api_client, services="dinner-date,travel-companion", services_mode="any"
    ) == {"Anna", "Bea", "Chloé", "Dora", "Fiona"}
    assert names(api_client, languages="fr") == {"Bea", "Chloé", "Dora", "Fiona"}
    assert names(api_client, verified="true") == {"Anna", "Chloé", "Dora", "Fiona"}
    assert names(api_client, vip="true") == {"Bea", "Dora"}
    assert names(api_client, q="opera") == {"Anna", "Dora"}
    assert names(api_client, q="chloe") == {"Chloé"}  # accents don't matter
    assert names(api_client, q="fionna") == {"Fiona"}  # typo tolerated on names
    assert names(
        api_client,
        city=paris.pk,
        verified="true",
        services="travel-companion",
        price_max=500,
    ) == {"Chloé"}


def test_vip_band_comes_first_in_recommended(api_client, world):
    results = api_client.get(URL, {"page_size": 50}).json()["results"]
    bands = [r["band"] for r in results]
    assert bands == sorted(bands, key=lambda band: band != "vip")
    assert bands.count("vip") == 2


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"languages": "fr"},
        {"price_min": 150},
        {"services": "dinner-date", "verified": "true"},
    ],
)
def test_facet_counts_equal_the_filtered_results(api_client, world, params):
    body = api_client.get(URL, {"page_size": 50, **params}).json()
    results, facets = body["results"], body["facets"]
    assert facets["total"] == len(results)
    assert sum(facets["cities"].values()) == len(results)
    assert facets["verified"] == sum(r["is_verified"] for r in results)
    assert sum(b["count"] for b in facets["price_buckets"]) == len(results)
    for city_id, count in facets["cities"].items():
        assert count == sum(str(r["city_id"]) == city_id for r in results)


def test_radius_and_distance(api_client, world):
    # From Paris: Berlin is ~880 km away, Rome ~1,100 km.
    paris = {"lat": 48.85, "lng": 2.35}
    assert names(api_client, radius_km=500, **paris) == {"Chloé", "Dora"}
    # From (50.5, 8.0): Paris ~446 km, Berlin ~436 km, Rome ~1,017 km.
    assert names(api_client, radius_km=460, lat=50.5, lng=8.0) == {
        "Anna",
        "Bea",
        "Chloé",
        "Dora",
    }
    assert names(api_client, radius_km=430, lat=50.5, lng=8.0) == set()
    results = api_client.get(
        URL, {"page_size": 50, "sort": "distance", "lat": 41.9, "lng": 12.5}
    ).json()["results"]
    assert [r["city"] for r in results] == [
        "Rome",
        "Rome",
        "Paris",
        "Paris",
        "Berlin",
        "Berlin",
    ]


@pytest.mark.parametrize(
    "sort", ["recommended", "price_asc", "price_desc", "newest", "rating", "distance"]
)
def test_cursor_paging_returns_each_match_exactly_once(api_client, world, sort):
    seen, cursor, pages = [], None, 0
    while True:
        params = {
            "page_size": 2,
            "sort": sort,
            **({"lat": 50.5, "lng": 8.0} if sort == "distance" else {}),
            **({"cursor": cursor} if cursor else {}),
        }
        body = api_client.get(URL, params).json()
        assert "results" in body, body
        seen += [r["id"] for r in body["results"]]
        cursor, pages = body["next"], pages + 1
        if not cursor:
            break
        assert pages < 10
    assert len(seen) == len(set(seen)) == 6
    if sort == "price_asc":
        prices = [
            r["from_eur_per_hour"]
            for r in api_client.get(URL, {"page_size": 50, "sort": sort}).json()[
                "results"
            ]
        ]
        assert prices == sorted(prices)


def test_rotation_differs_by_visitor_but_is_stable_for_one(client, world):
    from search.selectors import SearchParams, search_profiles

    order = [
        d.profile_id
        for d in search_profiles(
            params=SearchParams(page_size=50), seed="a:2026-11-22"
        ).documents
    ]
    again = [
        d.profile_id
        for d in search_profiles(
            params=SearchParams(page_size=50), seed="a:2026-11-22"
        ).documents
    ]
    other = {
        tuple(
            d.profile_id
            for d in search_profiles(
                params=SearchParams(page_size=50), seed=f"v{n}:2026-11-22"
            ).documents
        )
        for n in range(8)
    }
    assert order == again
    assert len(other) > 1


def test_hidden_profiles_never_appear(
    api_client, world, django_capture_on_commit_callbacks
):
    owner = world["Anna"].owner
    owner.is_suspended = True
    with django_capture_on_commit_callbacks(execute=True):
        owner.save()
    make_profile("Ghost", city=world["cities"]["berlin"], live=False)
    assert "Anna" not in names(api_client)
    assert "Ghost" not in names(api_client)


def test_searches_are_logged_anonymously(api_client, world):
    api_client.get(URL, {"q": "  Opera   Nights ", "vip": "true"})
    entry = SearchQueryLog.objects.get()
    assert entry.query == "opera nights"
    assert entry.filters == {"vip": True}
    assert not hasattr(entry, "user_id")


BAD = {
    "inverted prices": {"price_min": 500, "price_max": 100},
    "negative price": {"price_min": -5},
    "unknown service": {"services": "nope"},
    "unknown language": {"languages": "zz"},
    "unknown city": {"city": 999999},
    "city not a number": {"city": "berlin"},
    "unknown sort": {"sort": "random"},
    "absurd page size": {"page_size": 100000},
    "malformed cursor": {"cursor": "abc"},
    "huge query": {"q": "x" * 10_000},
    "bad boolean": {"verified": "maybe"},
    "radius without point": {"radius_km": 10},
    "radius too large": {"lat": 52.5, "lng": 13.4, "radius_km": 5000},
    "lat out of range": {"lat": 95, "lng": 0},
    "lat without lng": {"lat": 52.5},
    "distance without point": {"sort": "distance"},
    "rating out of range": {"rating_min": 9},
    "lng out of range": {"lat": 10, "lng": 190},
    "zero page size": {"page_size": 0},
    "q over 200 chars": {"q": "y" * 201},
    "inverted availability": {
        "available_from": "2026-12-02T10:00:00Z",
        "available_to": "2026-12-01T10:00:00Z",
    },
    "bad availability date": {"available_from": "tomorrow"},
    "tampered cursor": {"cursor": "eyJzb3J0IjoibmV3ZXN0In0:1abc:forged"},
}


@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_bad_input_is_400(api_client, world, case):
    assert_error_shape(api_client.get(URL, BAD[case]), 400, "validation_error")


@pytest.mark.parametrize(
    "q", ["'; DROP TABLE x; --", "a & | ! (", ":* <-> \\", '"unclosed']
)
def test_query_metacharacters_are_just_text(api_client, world, q):
    assert api_client.get(URL, {"q": q}).status_code == 200


def test_cursor_of_another_sort_is_refused(api_client, world):
    cursor = api_client.get(URL, {"page_size": 1}).json()["next"]
    response = api_client.get(URL, {"page_size": 1, "sort": "newest", "cursor": cursor})
    assert_error_shape(response, 400)


def test_constant_queries_whatever_the_page_size(
    api_client, world, django_assert_max_num_queries
):
    api_client.get(URL, {"page_size": 2})
    with django_assert_max_num_queries(12):
        api_client.get(URL, {"page_size": 2})
    with django_assert_max_num_queries(12):
        api_client.get(URL, {"page_size": 50})


def test_suggestions(api_client, world):
    body = api_client.get(f"{URL}/suggest", {"q": "par"}).json()
    assert [c["name"] for c in body["cities"]] == ["Paris"]
    assert [
        p["name"]
        for p in api_client.get(f"{URL}/suggest", {"q": "fio"}).json()["profiles"]
    ] == ["Fiona"]
    assert_error_shape(api_client.get(f"{URL}/suggest", {"q": "x"}), 400)


def test_html_page_lists_filtered_cards_with_facets(client, world):
    response = client.get("/search/", {"services": "dinner-date", "vip": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Bea" in html and "Dora" in html and "Anna" not in html
    assert "2 companions found" in html
    assert response.context["chosen"][0].label == "Dinner date"


def test_html_page_pages_with_a_next_link(client, world):
    response = client.get("/search/", {"page_size": 4})
    assert response.context["next_url"].startswith("?page_size=4&cursor=")
    rest = client.get("/search/" + response.context["next_url"])
    first = {p.pk for p in response.context["profiles"]}
    second = {p.pk for p in rest.context["profiles"]}
    assert len(first) == 4 and len(second) == 2 and not first & second


def test_html_page_bad_input_shows_the_form_with_400(client, world):
    response = client.get("/search/", {"price_min": 500, "price_max": 10})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Enter a highest price at or above the lowest price." in html
    assert "price_max:" not in html
    tampered = client.get("/search/", {"cursor": "forged"})
    assert tampered.status_code == 400


def test_html_page_zero_results_suggests_alternatives(client, world):
    response = client.get("/search/", {"q": "nobodyhere"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "No profiles match this search." in html
    assert "?services=dinner-date" in html
