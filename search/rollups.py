"""Facet rollups: the counts of the broad filter sets (every city or one, with
no text or one common word), kept by a trigger on the index table in the same
transaction as each document write (migrations/0009), so a first-seen broad
query reads a few dozen rows instead of counting every matching row.

Here: which words have rollups (chosen from the query log and the index), the
read, and the rebuild that recounts everything (``manage.py
rebuild_search_rollups``)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from search.models import SearchFacetRollup, SearchQueryLog, SearchRollupTerm

ALL_CITIES = 0
# Counting fewer matching rows than this fits the budget anyway: a word with
# fewer documents gets no rollup (each rollup word costs every write of a
# document containing it a few more counter rows).
MIN_DOCUMENTS = 2000
MAX_TERMS = 32
LOG_DAYS = 30

# The word of a one-word text query, if it has rollups. websearch_to_tsquery
# and unaccent as search.selectors._text_filter parses the text.
_TERM_SQL = """
SELECT t.lexeme FROM websearch_to_tsquery('simple', unaccent(%s)) q
JOIN search_rollupterm t ON numnode(q) = 1 AND q::text = quote_literal(t.lexeme)
"""
_READ_SQL = """
SELECT kind, value, sum(n) FROM search_facetrollup
WHERE term = %s AND city_id = ANY(%s) AND n > 0 GROUP BY kind, value
"""
_RECOUNT_SQL = """
INSERT INTO search_facetrollup (term, city_id, kind, value, n)
SELECT f.term, f.city_id, f.kind, f.value, count(*)
FROM search_profilesearchdocument x, LATERAL search_rollup_facts(
    x.city_id, x.is_verified, x.min_hourly_eur, x.service_ids, x.language_codes,
    x.document, x.latitude, x.longitude) f
GROUP BY 1, 2, 3, 4
"""
_DOCUMENTS_SQL = """
SELECT count(*) FROM search_profilesearchdocument
WHERE document @@ websearch_to_tsquery('simple', unaccent(%s))
"""


def rollup_term(q: str) -> str | None:
    """The rollup word a text query is exactly, or None (several words, a
    phrase, a negation, a word without rollups)."""
    with connection.cursor() as cursor:
        cursor.execute(_TERM_SQL, [q])
        row = cursor.fetchone()
    return row[0] if row else None


def rollup_counts(*, term: str, city_ids: list[int]) -> dict[str, dict]:
    """{kind: {value: n}} summed over ``city_ids`` (disjoint scopes: cities,
    or ALL_CITIES alone). Values as search.facets counts them."""
    counts: dict[str, dict] = defaultdict(dict)
    with connection.cursor() as cursor:
        cursor.execute(_READ_SQL, [term, list(city_ids)])
        for kind, value, n in cursor.fetchall():
            counts[kind][value or None] = int(n)
    return counts


@transaction.atomic
def search_rollups_rebuild() -> int:
    """Recount every rollup from the index. Document writes wait meanwhile (a
    SHARE lock: reads go on), so nothing is counted twice or missed."""
    with connection.cursor() as cursor:
        cursor.execute("LOCK TABLE search_profilesearchdocument IN SHARE MODE")
        cursor.execute("DELETE FROM search_facetrollup")
        cursor.execute(_RECOUNT_SQL)
        return cursor.rowcount


def _logged_words(*, days: int) -> list[str]:
    """One-word queries of the log, most searched first."""
    since = timezone.now() - dt.timedelta(days=days)
    rows = (
        SearchQueryLog.objects.filter(created_at__gte=since)
        .exclude(query="")
        .exclude(query__contains=" ")
        .values("query")
        .annotate(times=Count("id"))
        .order_by("-times", "query")
    )
    return [row["query"] for row in rows[: MAX_TERMS * 4]]


def rollup_terms_choose(
    *, limit: int | None = None, min_documents: int | None = None
) -> list[str]:
    """Words get rollups when visitors search them (SearchQueryLog, last 30
    days, most searched first, plus settings.SEARCH_ROLLUP_WORDS) and they match
    at least ``min_documents`` documents; then every rollup is recounted."""
    limit = MAX_TERMS if limit is None else limit
    floor = MIN_DOCUMENTS if min_documents is None else min_documents
    configured = getattr(settings, "SEARCH_ROLLUP_WORDS", [])
    words = [*configured, *_logged_words(days=LOG_DAYS)]
    chosen: dict[str, int] = {}
    with connection.cursor() as cursor:
        for word in words:
            if len(chosen) >= limit:
                break
            cursor.execute(_TERM_LEXEME_SQL, [word, word])
            lexeme = cursor.fetchone()
            if lexeme is None or lexeme[0] is None or lexeme[0] in chosen:
                continue
            cursor.execute(_DOCUMENTS_SQL, [word])
            documents = cursor.fetchone()[0]
            if documents >= floor:
                chosen[lexeme[0]] = documents
    with transaction.atomic():
        SearchRollupTerm.objects.all().delete()
        SearchRollupTerm.objects.bulk_create(
            SearchRollupTerm(lexeme=lexeme, documents=n) for lexeme, n in chosen.items()
        )
        search_rollups_rebuild()
    return list(chosen)


# The lexeme of a one-word query (None for anything else).
_TERM_LEXEME_SQL = """
SELECT CASE WHEN numnode(q) = 1 THEN (
    SELECT lexeme FROM unnest(to_tsvector('simple', unaccent(%s))) LIMIT 1) END
FROM websearch_to_tsquery('simple', unaccent(%s)) q
"""


def rollups_exact() -> bool:
    """Whether the kept counts equal a full recount (tests, the command's
    --check): the recount runs in a transaction rolled back afterwards."""
    kept = _rollup_rows()
    with transaction.atomic():
        search_rollups_rebuild()
        recounted = _rollup_rows()
        transaction.set_rollback(True)
    return kept == recounted


def _rollup_rows() -> dict[tuple, int]:
    return {
        (term, city_id, kind, value): n
        for term, city_id, kind, value, n in SearchFacetRollup.objects.filter(
            n__gt=0
        ).values_list("term", "city_id", "kind", "value", "n")
    }
