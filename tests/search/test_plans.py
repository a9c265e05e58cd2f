"""Every sort reads its pages from an index in its own order: the planner can
walk it and stop after a page instead of sorting every matching row. With
sequential scans and sorts priced out, the plan must name the sort's index."""

from __future__ import annotations

import pytest
from django.db import connection

from search.params import SearchParams
from search.ranking import lane_of, recommended_after
from search.selectors import _ordered, filtered_documents
from tests.factories.search import live_city, live_profile

pytestmark = pytest.mark.django_db
SEED = "visitor:2026-11-23"


@pytest.fixture
def profiles():
    city = live_city("Vienna")
    return [
        live_profile(f"Plan {n}", city=city, eur_per_hour=100 + n) for n in range(6)
    ]


def _plan(params: SearchParams, *, after: list | None = None) -> str:
    docs, keys = _ordered(filtered_documents(params), params, SEED)
    if after is not None:  # as search_profiles applies a recommended cursor
        docs = recommended_after(docs, seed=SEED, values=after)
    names = [name for name, _ in keys]
    sql, args = docs.values_list(*names)[:5].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute(f"EXPLAIN {sql}", args)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.parametrize(
    ("sort", "index"),
    [
        ("recommended", f"search_doc_lane_{lane_of(SEED)}"),
        ("price_asc", "search_doc_price_asc"),
        ("price_desc", "search_doc_price_desc"),
        ("rating", "search_doc_rating_sort"),
        ("newest", "search_doc_newest_id"),
    ],
)
def test_each_sort_walks_its_index(profiles, sort, index):
    plan = _plan(SearchParams(sort=sort, page_size=5))
    assert index in plan, plan
    assert "Sort" not in plan.split("->")[0]


def test_a_recommended_cursor_is_an_index_range(profiles):
    plan = _plan(SearchParams(page_size=2), after=[False, 0, 0])
    assert f"search_doc_lane_{lane_of(SEED)}" in plan
    assert "Index Cond" in plan, plan


def test_the_city_index_covers_the_facet_and_filter_columns():
    """A city's filters and facet counts need no row (an index-only scan once
    vacuumed, measured in docs/search.md): every column they read is in
    search_doc_city_facets. A new facet or filter column belongs there too."""
    from search.facets import _FACET_COLUMNS
    from search.models import FACET_INCLUDE

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_indexdef('search_doc_city_facets'::regclass)")
        definition = cursor.fetchone()[0]
    assert "(city_id) INCLUDE" in definition
    read = {*_FACET_COLUMNS, "is_verified", "is_vip", "max_hourly_eur", "rating_avg"}
    assert read <= {"city_id", *FACET_INCLUDE}
    for column in FACET_INCLUDE:
        assert column in definition
