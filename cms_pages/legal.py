"""The legal and help pages every footer links to (docs/consents-and-cookies.md).
They are StandardPages under the home page, seeded by ``cms_pages/demo.py``, so
their address is their slug: the footer links need no query."""

from __future__ import annotations

LEGAL_PAGE_SLUGS = ("terms", "privacy", "cookies", "safety", "contact")
