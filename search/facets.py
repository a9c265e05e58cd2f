"""Facet counts over the filtered results: each number is how many of the
current results have that value.

Broad filter sets (no filter, one city, a radius, one common word) read the
rollups the database keeps with every document write (search.rollups): a few
dozen rows whatever the number of matches, exact as committed. Narrower sets
are counted in one scan of their rows, cached per filter set and index
generation."""

from __future__ import annotations

import dataclasses
import hashlib
from collections import defaultdict

from django.core.cache import cache
from django.db import connection
from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL

from search.generation import INDEX_GENERATION_KEY
from search.models import NO_PRICE, ProfileSearchDocument
from search.params import SearchParams
from search.rollups import ALL_CITIES, rollup_counts, rollup_term
from search.selectors import (
    BOX_SQL,
    DISTANCE_SQL,
    distance_args,
    filtered_documents,
    radius_box,
)

PRICE_BUCKETS = [(0, 15000), (15000, 30000), (30000, 50000), (50000, NO_PRICE)]
FACETS_TTL = 120
# Parameters that order or page the results without changing which rows match.
_NOT_FILTERS = {"cursor", "sort", "page_size"}
# What a rollup scope may carry; anything else set means counting. ``services``
# are the slugs as asked: the filter reads ``service_ids``.
_ROLLUP_FIELDS = {
    "q", "city_id", "lat", "lng", "radius_km", "services", "services_mode"
}  # fmt: skip
_DEFAULTS = dataclasses.asdict(SearchParams())


def search_facets(*, params: SearchParams) -> dict:
    """The counts: from the rollups when the filter set has them, else counted
    and cached per filter set and index generation (any committed index write
    starts a new generation, so a cached count is never stale; the TTL only
    bounds memory)."""
    facets = _rollup_facets(params)
    if facets is not None:
        return facets
    key = _facets_key(params)
    facets = cache.get(key)
    if facets is None:
        facets = _facets(params)
        cache.set(key, facets, FACETS_TTL)
    return facets


def _facets_key(params: SearchParams) -> str:
    generation = cache.get(INDEX_GENERATION_KEY, 0)
    filters = {
        name: value
        for name, value in dataclasses.asdict(params).items()
        if name not in _NOT_FILTERS
    }
    digest = hashlib.sha256(repr(sorted(filters.items())).encode()).hexdigest()
    return f"search:facets:{generation}:{digest[:32]}"


# --- from the rollups ----------------------------------------------------------


def _rollup_facets(params: SearchParams) -> dict | None:
    """None unless the filters are only: nothing, a city, a radius, or a text
    that is one word with rollups (alone)."""
    values = dataclasses.asdict(params)
    if any(
        values[name] != default
        for name, default in _DEFAULTS.items()
        if name not in _ROLLUP_FIELDS | _NOT_FILTERS
    ):
        return None
    radius = params.has_point and params.radius_km is not None
    if params.q:
        if params.city_id is not None or radius:
            return None
        term = rollup_term(params.q)
        if term is None:
            return None
        counts = rollup_counts(term=term, city_ids=[ALL_CITIES])
        # The text filter's other arm: names merely similar to the text.
        _add(counts, _counted(_names_only(params.q)))
        return _shaped(counts)
    if radius:
        city_ids = _cities_within(params)
        if city_ids is None:
            return None
        if params.city_id is not None:
            city_ids = [c for c in city_ids if c == params.city_id]
        return _shaped(rollup_counts(term="", city_ids=city_ids))
    city = ALL_CITIES if params.city_id is None else params.city_id
    return _shaped(rollup_counts(term="", city_ids=[city]))


def _names_only(q: str) -> QuerySet:
    """Rows the text filter keeps for a similar name only (not the word)."""
    return ProfileSearchDocument.objects.filter(
        RawSQL(
            "search_unaccent(display_name) %% search_unaccent(%s) AND NOT "
            "coalesce(document @@ websearch_to_tsquery('simple', unaccent(%s)), false)",
            [q, q],
            output_field=BooleanField(),
        )
    )


# Each city's documents sit at one point (the indexer places a document at its
# city): a city is inside the radius when its point is, tested with the very
# expressions of search.selectors on the point's exact float8 text.
_CITY_POINTS_SQL = f"""
SELECT city_id, count(*), bool_and({BOX_SQL} AND {DISTANCE_SQL} <= %s)
FROM (
    SELECT city_id, split_part(value, ' ', 1)::float8 AS latitude,
        split_part(value, ' ', 2)::float8 AS longitude
    FROM search_facetrollup
    WHERE term = '' AND kind = 'point' AND city_id <> 0 AND n > 0
) AS search_profilesearchdocument
GROUP BY city_id
"""  # noqa: S608 - constant SQL, values bound


def _cities_within(params: SearchParams) -> list[int] | None:
    """The cities inside the radius; None if a city's documents are spread over
    several points (then rows are counted)."""
    with connection.cursor() as cursor:
        cursor.execute(
            _CITY_POINTS_SQL,
            [*radius_box(params), *distance_args(params), params.radius_km],
        )
        rows = cursor.fetchall()
    if any(points > 1 for _, points, _ in rows):
        return None
    return [city_id for city_id, _, inside in rows if inside]


# --- counted ---------------------------------------------------------------------

_FACET_COLUMNS = ("city_id", "service_ids", "language_codes", "min_hourly_eur")
_PRICE_CASE = (
    "CASE "
    + " ".join(
        f"WHEN min_hourly_eur < {high} THEN '{low}'" for low, high in PRICE_BUCKETS
    )
    + " END"
)
# One scan of the filtered rows, every count taken from it: four aggregate
# queries each re-ran the filter (bitmap scans of the same rows, four times).
_FACETS_SQL = """
WITH f AS MATERIALIZED ({filtered})
SELECT 'total', NULL, count(*) FROM f
UNION ALL SELECT 'verified', NULL, count(*) FROM f WHERE is_verified
UNION ALL SELECT 'unpriced', NULL, count(*) FROM f WHERE min_hourly_eur IS NULL
UNION ALL SELECT 'city', city_id::text, count(*) FROM f GROUP BY city_id
UNION ALL SELECT 'service', s::text, count(*) FROM f, unnest(f.service_ids) s GROUP BY s
UNION ALL SELECT 'language', l, count(*) FROM f, unnest(f.language_codes) l GROUP BY l
UNION ALL SELECT 'price', {price_case}, count(*) FROM f
    WHERE min_hourly_eur IS NOT NULL GROUP BY 2
"""


def _facets(params: SearchParams) -> dict:
    """The counts of ``params``' rows, counted (no rollup, no cache)."""
    return _shaped(_counted(filtered_documents(params)))


def _counted(documents: QuerySet) -> dict[str, dict]:
    filtered = documents.order_by().values(*_FACET_COLUMNS, "is_verified")
    sql, sql_params = filtered.query.sql_with_params()
    counts: dict[str, dict] = defaultdict(dict)
    with connection.cursor() as cursor:
        cursor.execute(
            _FACETS_SQL.format(filtered=sql, price_case=_PRICE_CASE), sql_params
        )
        for kind, value, n in cursor.fetchall():
            if n:
                counts[kind][value] = n
    return counts


def _add(counts: dict[str, dict], more: dict[str, dict]) -> None:
    for kind, values in more.items():
        for value, n in values.items():
            counts[kind][value] = counts[kind].get(value, 0) + n


def _shaped(counts: dict[str, dict]) -> dict:
    prices = counts.get("price", {})
    return {
        "total": counts.get("total", {}).get(None, 0),
        "verified": counts.get("verified", {}).get(None, 0),
        "cities": counts.get("city", {}),
        "services": counts.get("service", {}),
        "languages": counts.get("language", {}),
        "price_buckets": [
            {
                "min_eur": low // 100,
                "max_eur": None if high == NO_PRICE else high // 100,
                "count": prices.get(str(low), 0),
            }
            for low, high in PRICE_BUCKETS
        ],
        "unpriced": counts.get("unpriced", {}).get(None, 0),
    }
