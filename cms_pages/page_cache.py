"""The full-page cache for anonymous visitors (docs/caching.md).

Live Wagtail pages (home, cities, profiles, standard and legal pages) are kept
in Redis, keyed by scheme, host, path, the allowed query parameters and a
*content version*: one token that every change a page can show replaces
(publish, unpublish, move, delete, snippets, site settings, images, and every
search-index write, which covers profile pauses, suspensions and
verifications; cms_pages/page_cache_signals.py). Old entries are never read
again and expire on their own.

Why not wagtail-cache (evaluated, not installed): its fetch middleware answers
before Wagtail's ``before_serve_page`` hooks, so a hit would not count a
profile view; it caches 301/302/404 too, keys by URL only (no content version:
invalidation is a regex purge over one shared "keyring" value that every miss
rewrites), and clearing without URLs empties the whole cache backend, which here
also holds sessions' rate limits and facet counts. Django's cache with our own
key is shorter than working around each of these.

Never cached nor served from the cache: signed-in visitors, previews (Wagtail's
dummy preview request), drafts (only live pages served by Wagtail's ``serve``
are kept), a session holding flash messages or a passed page password, any
query parameter outside ``PAGE_CACHE_QUERY_PARAMS``, non-200 answers, answers
that set a cookie or carry a CSRF token, ``private``/``no-store`` answers (the
age gate, maintenance). Maintenance, suspension, consent renewal and the age
gate sit outside this middleware, so they decide before a hit can answer.

A hit calls the ``page_cache_hit`` hooks with the ``ServedPage`` it stored
(analytics counts the profile view there, as ``before_serve_page`` does on a
miss) and answers 304 to a matching ``If-None-Match``/``If-Modified-Since``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from wagtail import hooks
from wagtail.models import Page, PageViewRestriction

from cms_pages.models import SiteSettings

VERSION_KEY = "pages:content-version"
ENTRY_PREFIX = "pages:entry"
STATUS_HEADER = "X-Page-Cache"
HIT_HOOK = "page_cache_hit"
SERVED_ATTR = "page_cache_served"
# Paths that never reach Wagtail's serve view: no lookup (two Redis reads saved).
_SKIP_PREFIXES = (
    "/api/", "/_allauth/", "/accounts/", "/age-check/", "/documents/",
    "/static/", "/media/", "/ws/", "/healthz", "/readyz", "/metrics",
)  # fmt: skip
# Session keys that make a page differ per visitor: flash messages, a passed
# page password (Wagtail's view restrictions).
_SESSION_BLOCKERS = (
    "_messages",
    PageViewRestriction.passed_view_restrictions_session_key,
)
# Headers of the page itself; the outer middleware add CSP, security headers,
# compression and Vary: Cookie to every response, hits included.
_KEPT_HEADERS = ("Content-Type", "Content-Language", "X-Robots-Tag", "Link")


@dataclass(frozen=True)
class ServedPage:
    """The live page behind a response, as the hit hooks see it."""

    page_id: int
    model: str  # "app_label.modelname"
    last_published_at: dt.datetime | None


@dataclass(frozen=True)
class CachedPage:
    body: bytes
    headers: tuple[tuple[str, str], ...]
    etag: str
    last_modified: float  # epoch seconds
    cache_control: str
    page: ServedPage


@dataclass(frozen=True)
class Lookup:
    key: str
    changed_at: float  # when the content version was set (epoch seconds)


# --- the content version ---------------------------------------------------


def page_content_changed() -> None:
    """Every cached page is stale once the current transaction commits.

    After the commit, not before: a page rendered between the bump and the
    commit would read the old rows and be stored under the new version."""
    transaction.on_commit(_new_version)


def _new_version() -> None:
    # A fresh random token, never a counter: an evicted or flushed counter would
    # restart and meet entries stored under its earlier values.
    cache.set(VERSION_KEY, _version_token(), timeout=None)


def _version_token() -> str:
    return f"{time.time():.6f}-{secrets.token_hex(4)}"


def _current_version() -> str | None:
    """None when Redis does not answer: the page is then rendered, not kept."""
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, _version_token(), timeout=None)
        version = cache.get(VERSION_KEY)
    return version


# --- which requests, which responses -----------------------------------------


def page_served(*, request: HttpRequest, page: Page) -> None:
    """Noted by the ``before_serve_page`` hook (cms_pages/wagtail_hooks.py):
    only a response to a live page served this way is ever stored."""
    served = ServedPage(page.pk, page._meta.label_lower, page.last_published_at)
    setattr(request, SERVED_ATTR, served)


def _cacheable_request(request: HttpRequest) -> bool:
    if request.method not in ("GET", "HEAD") or getattr(request, "is_dummy", False):
        return False
    path = request.path_info
    if path.startswith(_SKIP_PREFIXES) or path.startswith(settings.CMS_URL_PREFIX):
        return False
    allowed = settings.PAGE_CACHE_QUERY_PARAMS
    if any(name not in allowed or len(v) != 1 for name, v in request.GET.lists()):
        return False
    if request.user.is_authenticated:
        return False
    return not any(key in request.session for key in _SESSION_BLOCKERS)


def _lookup(request: HttpRequest) -> Lookup | None:
    if not _cacheable_request(request):
        return None
    version = _current_version()
    if version is None:
        return None
    query = "&".join(f"{k}={v}" for k, v in sorted(request.GET.items()))
    address = f"{request.scheme}://{request.get_host()}{request.path}?{query}"
    digest = hashlib.blake2b(address.encode(), digest_size=16).hexdigest()
    changed_at = float(version.split("-", 1)[0])
    return Lookup(f"{ENTRY_PREFIX}:{version}:{digest}", changed_at)


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    """Only what any anonymous visitor may see. The session and CSRF cookies
    are set by outer middleware after this one: their triggers are checked."""
    control = response.get("Cache-Control", "")
    messages = getattr(request, "_messages", None)
    return not (
        response.status_code != 200
        or response.streaming
        or response.cookies
        or any(word in control for word in ("private", "no-store", "no-cache"))
        or request.session.modified
        or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        or (messages is not None and messages._queued_messages)
        or b"csrfmiddlewaretoken" in response.content
    )


def _cache_control(request: HttpRequest) -> str:
    """Shared caches (a CDN) may keep a page only while the age gate is off:
    the gate decides per visitor at the origin, which an edge would skip."""
    max_age = settings.PAGE_CACHE_MAX_AGE
    gate = settings.AGE_GATE_ENABLED and SiteSettings.for_request(request)
    if gate and gate.age_gate_enabled:
        return f"private, max-age={max_age}"
    return f"public, max-age={max_age}, s-maxage={settings.PAGE_CACHE_S_MAXAGE}"


def _entry(
    request: HttpRequest, response: HttpResponse, served: ServedPage, lookup: Lookup
) -> CachedPage:
    body = response.content
    headers = tuple((h, response[h]) for h in _KEPT_HEADERS if response.has_header(h))
    digest = hashlib.blake2b(body, digest_size=16).hexdigest()
    published = served.last_published_at.timestamp() if served.last_published_at else 0
    return CachedPage(
        body=body,
        headers=headers,
        etag=f'"{digest}"',
        last_modified=max(published, lookup.changed_at),
        cache_control=_cache_control(request),
        page=served,
    )


# --- the middleware ------------------------------------------------------------


class PageCacheMiddleware:
    """After the age gate and everything else that may answer instead of a
    page; before Wagtail's redirects (they only act on 404s, never cached)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not settings.PAGE_CACHE_ENABLED:
            return self.get_response(request)
        lookup = _lookup(request)
        if lookup is not None:
            entry = cache.get(lookup.key)
            if isinstance(entry, CachedPage):
                return _answer_hit(request, entry)
        response = self.get_response(request)
        return _after_render(request, response, lookup)


def _answer_hit(request: HttpRequest, entry: CachedPage) -> HttpResponse:
    for hook in hooks.get_hooks(HIT_HOOK):
        hook(request, entry.page)
    response = HttpResponse(entry.body)
    for name, value in entry.headers:
        response[name] = value
    return _validated(request, response, entry, status="hit")


def _after_render(
    request: HttpRequest, response: HttpResponse, lookup: Lookup | None
) -> HttpResponse:
    if getattr(request, "is_preview", False):
        patch_cache_control(response, private=True, no_store=True)
        return response
    served = getattr(request, SERVED_ATTR, None)
    if served is None:  # not a page Wagtail served live
        return response
    if lookup is None:
        if request.user.is_authenticated:
            patch_cache_control(response, private=True, no_cache=True)
        return response
    if not _storable(request, response):
        response[STATUS_HEADER] = "skip"
        return response
    entry = _entry(request, response, served, lookup)
    if request.method == "GET":
        cache.set(lookup.key, entry, timeout=settings.PAGE_CACHE_TIMEOUT)
    return _validated(request, response, entry, status="miss")


def _validated(
    request: HttpRequest, response: HttpResponse, entry: CachedPage, *, status: str
) -> HttpResponse:
    response["ETag"] = entry.etag
    response["Last-Modified"] = http_date(entry.last_modified)
    response["Cache-Control"] = entry.cache_control
    response[STATUS_HEADER] = status
    return get_conditional_response(
        request,
        etag=entry.etag,
        last_modified=int(entry.last_modified),
        response=response,
    )
