"""As-you-type suggestions: cities, services and profile names, prefix matches
first, then names that are merely similar (typos)."""

from __future__ import annotations

import unicodedata

from django.db import connection
from django.db.models import Q

TYPO_MIN_LENGTH = 4


# Both read indexes of migrations 0003/0004: prefixes in name order straight off
# the btree, typos through the trigram index only when prefixes are too few.
_NAME_PREFIX_SQL = """
SELECT profile_id, display_name FROM search_profilesearchdocument
WHERE search_unaccent(display_name) COLLATE "C" LIKE search_unaccent(%s) || '%%'
ORDER BY search_unaccent(display_name) COLLATE "C", profile_id
LIMIT %s
"""
_NAME_SIMILAR_SQL = """
SELECT profile_id, display_name FROM search_profilesearchdocument
WHERE search_unaccent(display_name) %% search_unaccent(%s)
  AND NOT profile_id = ANY(%s)
ORDER BY similarity(search_unaccent(display_name), search_unaccent(%s)) DESC,
         profile_id
LIMIT %s
"""


def _name_suggestions(q: str, limit: int, *, fuzzy: bool) -> list[tuple[int, str]]:
    escaped = q.replace("\\", "\\\\").replace("%", r"\%").replace("_", r"\_")
    with connection.cursor() as cursor:
        cursor.execute(_NAME_PREFIX_SQL, [escaped, limit])
        rows = cursor.fetchall()
        # Two or three letters are a prefix being typed, not a typo: their
        # trigrams match thousands of names and the fuzzy arm would rank them all.
        # Nor when the text already names a city or service being typed.
        if fuzzy and len(rows) < limit and len(q) >= TYPO_MIN_LENGTH:
            cursor.execute(
                _NAME_SIMILAR_SQL, [q, [pk for pk, _ in rows], q, limit - len(rows)]
            )
            rows += cursor.fetchall()
    return rows


def _fold(text: str) -> str:
    """Lower case without accents, as unaccent() does for the names."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _profile_urls(ids: list[int]) -> dict[int, str]:
    """The pages' public URLs in one query (the site root paths are cached)."""
    from wagtail.models import Page

    pages = Page.objects.filter(pk__in=ids).only("id", "url_path")
    return {page.pk: page.get_url() for page in pages}


def search_suggestions(*, q: str, limit: int = 8) -> dict:
    """Prefix matches first, then names that are merely similar (typos). Each
    suggestion carries the URL it leads to (the header box links to it)."""
    from django.urls import reverse
    from django.utils.http import urlencode

    from directory.models import CityPage, Service

    # A handful of cities, filtered here: a title filter in SQL made PostgreSQL
    # scan the whole page tree (every profile is a page) through unaccent().
    folded = _fold(q)
    live_cities = CityPage.objects.live().only("id", "title", "url_path")
    cities = [
        city
        for city in live_cities.order_by("title")
        if _fold(city.title).startswith(folded)
    ]
    services = Service.objects.filter(
        Q(name__unaccent__istartswith=q) | Q(name__icontains=f" {q}")
    )
    cities = cities[:limit]
    services = list(services.order_by("name")[:limit])
    names = _name_suggestions(q, limit, fuzzy=not (cities or services))
    urls = _profile_urls([pk for pk, _ in names]) if names else {}
    search_url = reverse("search:search")
    return {
        "cities": [{"id": c.pk, "name": c.title, "url": c.get_url()} for c in cities],
        "services": [
            {
                "slug": s.slug,
                "name": s.name,
                "url": f"{search_url}?{urlencode({'services': s.slug})}",
            }
            for s in services
        ],
        "profiles": [
            {"id": pk, "name": name, "url": urls.get(pk)} for pk, name in names
        ],
    }
