"""The search page and API as people use them: blank form fields are no filter,
errors are sentences, facets are links, "touring now" narrows, prices read in one
currency and unit, and a results page costs the same queries for 2 or 10 cards."""

from __future__ import annotations

import re
from urllib.parse import parse_qs

import pytest

from search.indexer import search_documents_refresh
from search.prices import (
    converted_currencies_note,
    hourly_comparison_minor,
    hourly_price_label,
    to_comparison_minor,
)
from tests.assertions import assert_error_shape
from tests.factories.pages import add_photo, add_rate, make_profile
from tests.factories.search import live_city, live_profile

pytestmark = pytest.mark.django_db
API = "/api/v1/search"
PAGE = "/search/"
EVERYONE = {"Anna", "Bea", "Chloé", "Dora", "Emma", "Fiona"}
# Every optional parameter of the API, and the HTML form's own fields.
OPTIONAL = [
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
]
FORM_ONLY = ["day", "time_from", "time_to"]


def api_names(api_client, **params) -> set[str]:  # noqa: ANN003
    response = api_client.get(API, params)
    assert response.status_code == 200, (params, response.content[:300])
    return {row["display_name"] for row in response.json()["results"]}


def page_names(client, **params) -> set[str]:  # noqa: ANN003
    response = client.get(PAGE, params)
    assert response.status_code == 200, (params, response.content[:300])
    return {profile.title for profile in response.context["profiles"]}


def error_box(html: str) -> str:
    match = re.search(r'class="form-errors".*?</div>', html, re.S)
    assert match, "no error summary on the page"
    return match.group(0)


# --- Blank fields are no filter ------------------------------------------------


def test_each_blank_parameter_is_the_same_as_absent(api_client, client, world):
    assert api_names(api_client) == EVERYONE
    for name in OPTIONAL:
        assert api_names(api_client, **{name: ""}) == EVERYONE, name
        assert api_names(api_client, **{name: "  "}) == EVERYONE, name
        assert page_names(client, **{name: ""}) == EVERYONE, name
    for name in FORM_ONLY:
        assert page_names(client, **{name: ""}) == EVERYONE, name


def test_a_form_with_some_fields_blank_filters_by_the_others(api_client, client, world):
    berlin = world["cities"]["berlin"]
    form = {
        "city": str(berlin.pk),
        "price_min": "",
        "price_max": "300",
        "services": "dinner-date",
        "languages": "",
        "day": "",
        "time_from": "",
        "time_to": "",
        "rating_min": "",
        "sort": "recommended",
    }
    assert page_names(client, **form) == {"Anna"}
    api_form = {k: v for k, v in form.items() if k not in FORM_ONLY}
    assert api_names(api_client, **api_form) == {"Anna"}
    # A blank checkbox value among chosen ones is dropped, not "unknown".
    response = client.get(PAGE, {"services": ["", "dinner-date"]})
    assert {p.title for p in response.context["profiles"]} == {
        "Anna",
        "Bea",
        "Dora",
        "Fiona",
    }


def test_bad_values_that_are_not_blank_still_answer_400(api_client, client, world):
    body = assert_error_shape(api_client.get(API, {"price_min": "abc"}), 400)
    assert body["fields"] == {
        "price_min": ["Enter a price between 0 and 10,000 (EUR per hour)."]
    }
    assert body["message"] == "Enter a price between 0 and 10,000 (EUR per hour)."
    assert client.get(PAGE, {"price_min": "abc"}).status_code == 400
    many = ",".join(f"service-{n}" for n in range(21))
    body = assert_error_shape(api_client.get(API, {"services": many}), 400)
    assert body["fields"] == {"services": ["Choose at most 20 of them."]}


# --- Errors speak to people ----------------------------------------------------

HUMAN = {
    "negative price": (
        {"price_min": "-5"},
        "Enter a price between 0 and 10,000 (EUR per hour).",
    ),
    "price too high": (
        {"price_max": "20000"},
        "Enter a price between 0 and 10,000 (EUR per hour).",
    ),
    "price not a number": (
        {"price_max": "cheap"},
        "Enter a price between 0 and 10,000 (EUR per hour).",
    ),
    "inverted prices": (
        {"price_min": "500", "price_max": "100"},
        "Enter a highest price at or above the lowest price.",
    ),
    "bad day": ({"day": "someday"}, "Choose a day and times."),
    "bad time": (
        {"day": "2026-12-01", "time_from": "25:99"},
        "Choose a day and times.",
    ),
    "times without a day": ({"time_from": "20:00"}, "Choose a day for these times."),
    "unknown service": (
        {"services": "nothing-like-it"},
        "Choose services from the list.",
    ),
    "unknown city": ({"city": "999999"}, "Choose a city from the list."),
    "bad rating": ({"rating_min": "9"}, "Enter a rating between 0 and 5."),
    "bad sort": ({"sort": "cheapest"}, "Choose an order from the list."),
    "old next link": (
        {"cursor": "forged"},
        "This page of results has expired: start the search again.",
    ),
}
# "price_min: ...", "services: Unknown ...": what the page used to say.
FIELD_NAMES = re.compile(r"\b(q|city|services|languages|sort|cursor|[a-z]+_[a-z_]+):")


def test_errors_are_sentences_not_field_names(client, world):
    for case, (params, sentence) in HUMAN.items():
        response = client.get(PAGE, params)
        assert response.status_code == 400, case
        box = error_box(response.content.decode())
        assert sentence in box, (case, box)
        assert not FIELD_NAMES.search(box), (case, box)


def test_api_errors_name_the_parameter_and_say_the_sentence(api_client, world):
    body = assert_error_shape(
        api_client.get(API, {"price_min": "x", "rating_min": "7"}), 400
    )
    assert body["fields"] == {
        "price_min": ["Enter a price between 0 and 10,000 (EUR per hour)."],
        "rating_min": ["Enter a rating between 0 and 5."],
    }
    assert "rating_min" not in body["message"]
    assert "Enter a rating between 0 and 5." in body["message"]


def test_the_field_in_error_is_marked_for_assistive_technology(client, world):
    html = client.get(PAGE, {"price_min": "-1"}).content.decode()
    assert 'id="search-price-min"' in html
    field = re.search(r'<input id="search-price-min"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in field
    assert 'aria-describedby="search-price-min-error"' in field


# --- Facets are links ----------------------------------------------------------


def _group(response, title: str) -> dict:
    for group in response.context["facet_groups"]:
        if group.title.startswith(title):
            return {link.label: link for link in group.links}
    raise AssertionError(f"no facet group {title!r}")


def _query(url: str) -> dict[str, list[str]]:
    assert url.startswith("?")
    return parse_qs(url[1:])


def test_facet_links_add_and_remove_a_filter_keeping_the_others(client, world):
    berlin = world["cities"]["berlin"]
    response = client.get(
        PAGE,
        {"city": berlin.pk, "services": "dinner-date", "price_min": "", "cursor": ""},
    )
    services = _group(response, "Services")
    # Chosen: shown as selected, its link removes it and keeps the city.
    assert services["Dinner date"].selected
    assert _query(services["Dinner date"].url) == {"city": [str(berlin.pk)]}
    # Not chosen: its link adds it to the chosen ones.
    assert not services["Travel companion"].selected
    assert services["Travel companion"].count == 1
    assert _query(services["Travel companion"].url) == {
        "city": [str(berlin.pk)],
        "services": ["dinner-date", "travel-companion"],
    }
    cities = _group(response, "City")
    assert cities["Berlin"].selected
    assert _query(cities["Berlin"].url) == {"services": ["dinner-date"]}
    prices = _group(response, "Price per hour (EUR)")
    assert _query(prices["150–300"].url) == {
        "city": [str(berlin.pk)],
        "services": ["dinner-date"],
        "price_min": ["150"],
        "price_max": ["300"],
    }
    assert _query(prices["300–500"].url)["price_max"] == ["500"]
    assert "Under 150" not in prices  # no result there: no link to nothing
    # The chosen facets sit above the results with their remove links.
    assert [link.label for link in response.context["chosen"]] == [
        "Berlin",
        "Dinner date",
    ]


def test_following_a_facet_link_narrows_and_shows_it_chosen(client, world):
    response = client.get(PAGE)
    travel = _group(response, "Services")["Travel companion"]
    narrowed = client.get(PAGE + travel.url)
    assert {p.title for p in narrowed.context["profiles"]} == {"Bea", "Chloé", "Dora"}
    assert travel.count == 3
    chosen = _group(narrowed, "Services")["Travel companion"]
    assert chosen.selected
    html = narrowed.content.decode()
    assert "Remove filter: </span>Travel companion" in html
    assert client.get(PAGE + chosen.url).context["total"] == 6


def test_every_active_filter_is_listed_with_a_remove_link(client, world):
    response = client.get(
        PAGE,
        {"q": "opera", "price_max": "450", "vip": "true", "price_min": "", "day": ""},
    )
    assert {p.title for p in response.context["profiles"]} == set()
    chosen = {link.label: link.url for link in response.context["chosen"]}
    assert list(chosen) == ["“opera”", "Up to 450 EUR", "VIP"]
    assert _query(chosen["Up to 450 EUR"]) == {"q": ["opera"], "vip": ["true"]}
    assert _query(chosen["VIP"]) == {"q": ["opera"], "price_max": ["450"]}
    widened = client.get(PAGE + chosen["Up to 450 EUR"])
    assert {p.title for p in widened.context["profiles"]} == {"Dora"}


def test_sort_options_have_human_labels(client, world):
    html = client.get(PAGE).content.decode()
    for label in ("Recommended", "Price: low to high", "Price: high to low"):
        assert f">{label}</option>" in html
    assert ">price_asc</option>" not in html
    city_html = client.get(world["cities"]["paris"].url).content.decode()
    assert ">Price: low to high</option>" in city_html


# --- "Touring now" narrows ------------------------------------------------------


def test_touring_now_narrows_never_widens(api_client, world):
    """Emma (Rome) tours Paris today; Chloé and Dora live in Paris. Ticking
    "Touring now" used to OR the tour into the city test (3 results): a filter
    must never add profiles."""
    paris = world["cities"]["paris"]
    everyone = api_names(api_client)
    touring = api_names(api_client, touring_now="true")
    assert touring == {"Emma"}
    assert touring <= everyone
    in_paris_touring = api_names(api_client, city=paris.pk, touring_now="true")
    assert in_paris_touring == {"Emma"}
    assert len(in_paris_touring) < len(api_names(api_client, city=paris.pk))
    # Combined with other filters, still an AND.
    assert api_names(api_client, city=paris.pk, touring_now="true", vip="true") == set()
    rome = world["cities"]["rome"]
    assert api_names(api_client, city=rome.pk, touring_now="true") == set()


# --- One currency and unit -----------------------------------------------------


def test_conversion_has_one_home(settings):
    settings.SEARCH_EUR_RATES = {"EUR": 1.0, "GBP": 1.17}
    assert to_comparison_minor(10000, "GBP") == 11700
    assert hourly_comparison_minor(30000, "GBP", 120) == 17550
    assert hourly_comparison_minor(25000, "EUR", 60) == 25000
    assert hourly_price_label(11690) == "from 117 EUR per hour"
    assert hourly_price_label(None) == ""
    assert converted_currencies_note([]) == ""
    assert "Prices converted to EUR for comparison" in converted_currencies_note(
        ["GBP"]
    )


def test_cards_filter_and_facets_share_the_currency_and_unit(client, settings):
    settings.SEARCH_EUR_RATES = {**settings.SEARCH_EUR_RATES, "GBP": 1.17}
    london = live_city("London", slug="london-prices")
    page = make_profile("Harriet", city=london, live=False, slug="harriet-gbp")
    add_rate(page, duration_minutes=120, amount_minor=40000, currency="GBP")
    page = type(page).objects.get(pk=page.pk)
    page.save_revision().publish()
    search_documents_refresh(profile_ids=[page.pk])
    live_profile("Ella", city=london, eur_per_hour=300, slug="ella-eur")

    response = client.get(PAGE, {"city": london.pk, "sort": "price_asc"})
    html = response.content.decode()
    # 400 GBP for two hours = 234 EUR per hour.
    assert "from 234 EUR per hour" in html
    assert "from 300 EUR per hour" in html
    assert "Prices converted to EUR for comparison (from GBP" in html
    assert "Price per hour, in EUR" in html
    prices = _group(response, "Price per hour (EUR)")
    # Facets count by the "from" price, in the same converted unit.
    assert (prices["150–300"].count, prices["300–500"].count) == (1, 1)
    # The filter compares in the same unit: 234 EUR per hour is under 250.
    assert page_names(client, city=london.pk, price_max="250") == {"Harriet"}

    euro_only = client.get(PAGE, {"city": london.pk, "price_min": "250"})
    assert "Prices converted" not in euro_only.content.decode()


# --- Constant queries -------------------------------------------------------------


def test_results_page_queries_do_not_grow_with_the_cards(
    client, django_assert_max_num_queries
):
    few, many = live_city("Few", slug="few-city"), live_city("Many", slug="many-city")
    for city, count in ((few, 2), (many, 10)):
        for n in range(count):
            page = live_profile(
                f"{city.title} {n}",
                city=city,
                eur_per_hour=200 + n,
                slug=f"{city.slug}-{n}",
            )
            add_photo(page, is_primary=True)
    client.get(PAGE, {"city": few.pk})  # session, site root paths, renditions made
    client.get(PAGE, {"city": many.pk})
    # 18: the cards' rates and "available today", one query each for the page;
    # the site settings (footer, title), one per request; the city's facet
    # rollups, one (read each time: they are kept exact, not cached).
    with django_assert_max_num_queries(18) as few_queries:
        response = client.get(PAGE, {"city": few.pk})
    assert len(response.context["profiles"]) == 2
    with django_assert_max_num_queries(len(few_queries)) as many_queries:
        response = client.get(PAGE, {"city": many.pk})
    assert len(response.context["profiles"]) == 10
    assert len(many_queries) == len(few_queries)
