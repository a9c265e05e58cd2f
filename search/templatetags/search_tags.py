"""The filter form on city pages: a plain GET form onto /search/ scoped to the
city, so filtering works without JavaScript and shares the search page's
validation, facets and impressions."""

from __future__ import annotations

from django import template

from directory.models import CityPage, Language, Service
from search.params import SORT_LABELS, SORTS
from search.prices import COMPARISON_CURRENCY

register = template.Library()


@register.inclusion_tag("search/city_filters.html")
def city_filters(city: CityPage) -> dict:
    return {
        "city": city,
        "services": list(Service.objects.order_by("name").only("name", "slug")),
        "languages": list(Language.objects.order_by("name").only("name", "code")),
        "sorts": [(sort, SORT_LABELS[sort]) for sort in SORTS if sort != "distance"],
        "currency": COMPARISON_CURRENCY,
        "values": {},
        "field_errors": {},
    }
