"""A CDN for the purge tests (tests/cms_pages/test_page_cache_invalidation.py):
Wagtail's frontend cache imports its backend by dotted path, so it lives in a
module of its own (a test module can be imported under two names)."""

from __future__ import annotations

from typing import ClassVar

from wagtail.contrib.frontend_cache.backends.base import BaseBackend


class RecordingBackend(BaseBackend):
    """Writes down what it was asked to purge."""

    purged: ClassVar[list[str]] = []

    def purge(self, url: str) -> None:
        self.purged.append(url)
