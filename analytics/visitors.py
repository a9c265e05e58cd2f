"""Counting a visitor once a day without knowing who they are (docs/analytics.md,
"The visitor hash").

visitor = HMAC-SHA256(daily salt, client address | user agent | profile | kind)

The salt is 32 random bytes made for one site-local day and kept only in Redis,
for ``SALT_TTL_SECONDS`` (the day plus the flushes that may still run for it);
it is never written to PostgreSQL or logged. Once it expires nobody, us included,
can recompute a visitor's hash from an address, so the dedupe sets (which hold
only these hashes, and expire with the salt) link no one to anything. Because
the profile and the kind are inside the HMAC, one visitor's hashes for two
profiles are unrelated: there is no trail across pages either.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from rest_framework.throttling import BaseThrottle

from core.cache import cache_is_down

SALT_TTL_SECONDS = 48 * 3600

# This process's salt for one day only (saves a round trip per event); never
# an older day's, so an expired salt is gone from memory too.
_salt_memo: dict[dt.date, bytes] = {}


def _salt_key(day: dt.date) -> str:
    return f"analytics:visitor-salt:{day.isoformat()}"


def daily_salt(*, day: dt.date) -> bytes | None:
    """The salt of ``day``, made by whoever asks first (``add`` is atomic: two
    processes agree on one salt). None while Redis is down: then nothing is
    counted, rather than counted under a salt nobody else shares."""
    memo = _salt_memo.get(day)
    if memo is not None:
        return memo
    if cache_is_down():
        return None
    cache.add(_salt_key(day), secrets.token_hex(32), timeout=SALT_TTL_SECONDS)
    salt = cache.get(_salt_key(day))
    if not salt:
        return None
    _salt_memo.clear()
    _salt_memo[day] = bytes.fromhex(salt)
    return _salt_memo[day]


def client_address(request: HttpRequest) -> str:
    """The client's address by the rule DRF's throttles use (the one home:
    X-Forwarded-For counts only past our ``NUM_PROXIES`` = TRUSTED_PROXY_COUNT
    proxies, so a client cannot rotate it). Used only inside the HMAC."""
    return BaseThrottle().get_ident(request)


def visitor_hash(
    *, salt: bytes, address: str, user_agent: str, profile_id: int, kind: str
) -> str:
    message = "\x1f".join([address, user_agent, str(profile_id), kind]).encode()
    return hmac.new(salt, message, hashlib.sha256).hexdigest()


def visitor_of(
    request: HttpRequest, *, day: dt.date, profile_id: int, kind: str
) -> str | None:
    """The request's visitor hash for ``profile_id`` and ``kind`` on ``day``;
    None when no salt can be had (Redis down)."""
    salt = daily_salt(day=day)
    if salt is None:
        return None
    return visitor_hash(
        salt=salt,
        address=client_address(request),
        user_agent=request.headers.get("User-Agent", ""),
        profile_id=profile_id,
        kind=kind,
    )


def seen_key(*, day: dt.date, profile_id: int, kind: str) -> str:
    """The Redis set of visitor hashes already counted for a profile, kind and
    day (it expires with the salt)."""
    prefix = settings.CACHES["default"].get("KEY_PREFIX", "")
    return f"{prefix}:analytics:seen:{day.isoformat()}:{profile_id}:{kind}"
