"""Facet rollups (search.rollups, kept by the trigger of migrations/0009): the
broad filter sets read them, they equal a count of the rows, and the counts
kept write by write equal a full recount after random writes and deletes."""

from __future__ import annotations

import random

import pytest
from django.db import connection
from django.http import QueryDict

from search.facets import _facets, search_facets
from search.indexer import search_documents_refresh
from search.models import ProfileSearchDocument, SearchFacetRollup, SearchQueryLog
from search.params import params_from_query
from search.rollups import (
    rollup_term,
    rollup_terms_choose,
    rollups_exact,
    search_rollups_rebuild,
)

pytestmark = pytest.mark.django_db


def _params(**values):  # noqa: ANN003, ANN202
    data = QueryDict(mutable=True)
    for key, value in values.items():
        data[key] = str(value)
    return params_from_query(data)


@pytest.fixture
def dinner_word(world, settings):
    """'dinner' (the service "Dinner date", in four of the six profiles) gets
    rollups, as a word searched often and matching enough documents."""
    settings.SEARCH_ROLLUP_WORDS = ["dinner"]
    assert rollup_terms_choose(min_documents=1) == ["dinner"]
    return "dinner"


def test_words_are_chosen_from_the_query_log_with_enough_documents(world):
    SearchQueryLog.objects.bulk_create(
        [SearchQueryLog(query=q, result_count=1, latency_ms=1) for q in
         ["opera", "opera", "dinner", "travel companion", "nobody"]]
    )  # fmt: skip
    # "travel companion" is two words; "nobody" matches no document.
    assert rollup_terms_choose(min_documents=1) == ["opera", "dinner"]
    assert rollup_terms_choose(min_documents=3) == ["dinner"]
    assert rollup_term("Dinner") == "dinner"
    assert rollup_term("dinner date") is None
    assert rollup_term("opera") is None


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"sort": "price_asc"},
        {"city": "paris"},
        {"q": "dinner"},
        {"q": "DINNER", "sort": "newest"},
        {"lat": 48.85, "lng": 2.35, "radius_km": 500},
        {"lat": 50.5, "lng": 8.0, "radius_km": 460},
        {"lat": 50.5, "lng": 8.0, "radius_km": 430},
    ],
)
def test_broad_sets_read_rollups_equal_to_counting(
    world, dinner_word, query, django_assert_max_num_queries
):
    if query.get("city"):
        query = {**query, "city": world["cities"][query["city"]].pk}
    params = _params(**query)
    counted = _facets(params)
    with django_assert_max_num_queries(3):  # no count of the rows, no cache
        facets = search_facets(params=params)
    assert facets == counted
    assert facets["total"] == _facets(params)["total"]


def test_word_facets_add_names_only_similar(world, dinner_word):
    """ "fiona" is no rollup word; "dinner" is, and a name similar to it (not
    containing the word) still counts, as the text filter keeps it."""
    world["Emma"].title = "Dinnera"
    world["Emma"].save_revision().publish()
    search_documents_refresh(profile_ids=[world["Emma"].pk])
    facets = search_facets(params=_params(q="dinner"))
    assert facets == _facets(_params(q="dinner"))
    assert facets["total"] == 5  # Anna, Bea, Dora, Fiona and the name "Dinnera"


def test_narrow_sets_are_counted(world, dinner_word):
    params = _params(city=world["cities"]["paris"].pk, verified="true")
    assert search_facets(params=params)["total"] == 2  # Chloé and Dora


def test_incremental_rollups_equal_a_full_recount(world, dinner_word):
    rng = random.Random(12)  # noqa: S311 - reproducible
    docs = list(ProfileSearchDocument.objects.all())
    cities = [c.pk for c in world["cities"].values()]
    for _ in range(40):
        doc = rng.choice(docs)
        action = rng.random()
        if action < 0.15:  # a cascade or an unpublish: the row goes away
            ProfileSearchDocument.objects.filter(pk=doc.pk).delete()
        elif action < 0.3:  # the indexer writes it again (or brings it back)
            search_documents_refresh(profile_ids=[doc.pk])
        else:
            ProfileSearchDocument.objects.filter(pk=doc.pk).update(
                city_id=rng.choice(cities),
                is_verified=rng.random() < 0.5,
                min_hourly_eur=rng.choice([None, 9000, 20000, 45000, 80000]),
                service_ids=sorted(rng.sample([1, 2, 3, 4], rng.randint(0, 3))),
                language_codes=rng.sample(["en", "fr", "de"], rng.randint(0, 2)),
            )
    assert rollups_exact()
    assert SearchFacetRollup.objects.filter(n__lt=0).count() == 0
    # and the read path agrees with counting after all that
    for query in ({}, {"q": "dinner"}, {"city": cities[0]}):
        params = _params(**query)
        assert search_facets(params=params) == _facets(params)


def test_rebuild_repairs_lost_counts(world):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE search_facetrollup SET n = n + 7")
    assert not rollups_exact()
    search_rollups_rebuild()
    assert rollups_exact()
    assert search_facets(params=_params())["total"] == 6


def test_rotation_rekeying_writes_no_rollup_row(world):
    from search.ranking import rotation_refresh

    before = dict(SearchFacetRollup.objects.values_list("id", "n"))
    rotation_refresh(
        profile_ids=list(ProfileSearchDocument.objects.values_list("pk", flat=True))
    )
    assert dict(SearchFacetRollup.objects.values_list("id", "n")) == before


def test_rebuild_command_checks_and_repairs(world):
    from django.core.management import CommandError, call_command

    call_command("rebuild_search_rollups", "--check")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM search_facetrollup WHERE kind = 'service'")
    with pytest.raises(CommandError):
        call_command("rebuild_search_rollups", "--check")
    call_command("rebuild_search_rollups")
    call_command("rebuild_search_rollups", "--check")
    assert search_facets(params=_params()) == _facets(_params())
