"""Bounds of database ids, for validating ids that come from outside (URLs,
query strings, bodies). A larger number cannot name a row and would overflow
the query parameter: it must answer 400/404, never 500 (invariant 10)."""

from __future__ import annotations

# Wagtail's Page (and so every page type) keeps a 32-bit AutoField.
MAX_PAGE_ID = 2**31 - 1
# Everything else uses DEFAULT_AUTO_FIELD = BigAutoField (config/settings/base.py).
MAX_ID = 2**63 - 1
