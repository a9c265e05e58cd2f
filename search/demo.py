"""Demo: index every seeded profile (seed_demo runs this after directory's seed)."""

from __future__ import annotations

from collections.abc import Callable

from search.indexer import search_index_rebuild


def seed(*, log: Callable[[str], None]) -> None:
    count = search_index_rebuild()
    log(f"search index: {count} profiles searchable")
