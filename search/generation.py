"""The index generation: bumped after every committed write that can change
search results (document rows, bookable times). Cached facet counts are keyed by
it (search.facets.search_facets), so they are never read across a change."""

from __future__ import annotations

from django.core.cache import cache

from cms_pages.page_cache import page_content_changed

INDEX_GENERATION_KEY = "search:index-generation"


def search_index_changed() -> None:
    """A new generation: counts cached under earlier ones are never read again."""
    if not cache.add(INDEX_GENERATION_KEY, 1, timeout=None):
        cache.incr(INDEX_GENERATION_KEY)
    # Listings and profile pages show what the index shows (pauses, suspensions,
    # verifications, ratings, availability): cached pages go stale with it.
    page_content_changed()
