"""The filter form on city pages: a plain GET form onto /search/ scoped to the
city, so filtering works without JavaScript and shares the search page's
validation, facets and impressions."""

from __future__ import annotations

from django import template

from directory.models import CityPage
from search.params import SORT_LABELS, SORTS
from search.prices import COMPARISON_CURRENCY

register = template.Library()


@register.inclusion_tag("search/city_filters.html")
def city_filters(city: CityPage, options: dict | None) -> dict:
    """Formats only: the services and languages come from the city page's
    listing (``directory.selectors.city_filter_options``, cached)."""
    options = options or {}
    return {
        "city": city,
        "services": options.get("services", []),
        "languages": options.get("languages", []),
        "sorts": [(sort, SORT_LABELS[sort]) for sort in SORTS if sort != "distance"],
        "currency": COMPARISON_CURRENCY,
        "values": {},
        "field_errors": {},
    }
