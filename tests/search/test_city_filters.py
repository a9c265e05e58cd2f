"""City pages carry a plain GET filter form onto the search page, scoped to the
city: no JavaScript needed, the search page's validation and results."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from directory.models import Language, Service
from tests.factories.search import live_city, live_profile

pytestmark = pytest.mark.django_db


class FormReader(HTMLParser):
    """The filter form's action, method and field names/values."""

    def __init__(self) -> None:
        super().__init__()
        self.form: dict | None = None
        self.inside = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attrs = dict(attrs)
        if tag == "form" and "Filter companions" in (attrs.get("aria-label") or ""):
            self.form = {"action": attrs["action"], "method": attrs["method"]}
            self.form["fields"] = []
            self.inside = True
        elif self.inside and tag in ("input", "select"):
            self.form["fields"].append((attrs.get("name"), attrs.get("value")))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False


def read_form(html: str) -> dict:
    reader = FormReader()
    reader.feed(html)
    assert reader.form is not None, "no filter form on the page"
    return reader.form


def test_city_page_filters_submit_to_the_search_page_scoped_to_the_city(client):
    lisbon = live_city("Lisbon", slug="lisbon-filters")
    Service.objects.create(name="Dinner date", slug="dinner-date", category="social")
    Language.objects.create(name="Portuguese", code="pt")

    form = read_form(client.get(lisbon.url).content.decode())

    assert form["method"] == "get"
    assert form["action"] == "/search/"
    fields = dict(form["fields"])
    assert fields["city"] == str(lisbon.pk)
    assert ("services", "dinner-date") in form["fields"]
    assert ("languages", "pt") in form["fields"]
    assert {"price_min", "price_max", "verified", "vip", "sort"} <= set(fields)


def test_the_submitted_filters_narrow_to_the_city_and_the_price(client):
    lisbon = live_city("Lisbon", slug="lisbon-filter-results")
    porto = live_city("Porto", slug="porto-filter-results")
    live_profile("Affordable Ana", city=lisbon, eur_per_hour=200, slug="ana-f")
    live_profile("Premium Paula", city=lisbon, eur_per_hour=600, slug="paula-f")
    live_profile("Porto Pia", city=porto, eur_per_hour=150, slug="pia-f")

    html = client.get(
        "/search/", {"city": lisbon.pk, "price_max": "300", "sort": "recommended"}
    ).content.decode()

    assert "Affordable Ana" in html
    assert "Premium Paula" not in html
    assert "Porto Pia" not in html


def test_a_bad_filter_value_answers_400_with_the_form_again(client):
    lisbon = live_city("Lisbon", slug="lisbon-filter-bad")

    response = client.get("/search/", {"city": lisbon.pk, "price_min": "-5"})

    assert response.status_code == 400
    assert "Please check the search" in response.content.decode()
