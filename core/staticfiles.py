"""Static files: WhiteNoise serves them from the app process (and a CDN caches
them in front of it, docs/operations.md)."""

from __future__ import annotations

from whitenoise.middleware import WhiteNoiseMiddleware

ONE_YEAR = 365 * 24 * 60 * 60


class StaticFilesMiddleware(WhiteNoiseMiddleware):
    """WhiteNoise, with hashed files (``site.3f2a….css`` from the manifest storage)
    cached for one year, ``immutable``, rather than WhiteNoise's ten: a year is the
    lifetime caches and audits (Lighthouse) expect, and a new deploy changes the
    hash anyway. Unhashed names keep ``WHITENOISE_MAX_AGE``."""

    FOREVER = ONE_YEAR
