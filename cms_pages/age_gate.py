"""The visitor age gate (docs/consents-and-cookies.md, "Age gate").

Anonymous visitors who have not confirmed their age in this session get a
branded interstitial instead of a public page: 200 (the page's own address, so
"back" and bookmarks behave), ``noindex`` and never cached. "I am 18 or older"
posts to ``/age-check/``, which stores ``age_confirmed`` in the session (the
session cookie is strictly necessary for it) and returns to the page.

Who passes without it: signed-in users (they confirmed their age at sign-up),
search-engine crawlers (public pages are non-explicit by policy, so indexing
them is fine), non-HTML and non-GET requests, the API, accounts, the CMS, the
legal pages, probes, assets, robots and sitemaps, and visitors from a country
not on the site's list. The country comes only from a trusted proxy header
(``AGE_GATE_COUNTRY_HEADER``, e.g. ``CF-IPCountry``); no GeoIP database is
shipped, so without the header the country is unknown and the gate shows.

``AGE_GATE_ENABLED`` (settings) turns the whole gate off (test settings do, so
browser tests of public pages are not interrupted); ``SiteSettings`` holds the
editors' switch and the list of countries."""

from __future__ import annotations

import re
from collections.abc import Callable

from crawlerdetect import CrawlerDetect
from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from cms_pages.legal import LEGAL_PAGE_SLUGS
from cms_pages.models import SiteSettings
from core.errors import wants_json

SESSION_KEY = "age_confirmed"
UNKNOWN_COUNTRY = ""

_EXEMPT = re.compile(
    r"^/(?:"
    r"api/|_allauth/|accounts/|age-check/|documents/|pending-media/|ws/"
    rf"|(?:{'|'.join(LEGAL_PAGE_SLUGS)})/"
    r"|healthz$|readyz$|metrics$|static/|media/|favicon\.ico$|robots\.txt$"
    r"|sitemap[^/]*\.xml$"
    r")"
)


def visitor_country(request: HttpRequest) -> str:
    """The two-letter country the trusted proxy reports, or "" (unknown)."""
    header = settings.AGE_GATE_COUNTRY_HEADER
    if not header:
        return UNKNOWN_COUNTRY
    value = request.headers.get(header, "").strip().upper()
    return value if re.fullmatch(r"[A-Z]{2}", value) else UNKNOWN_COUNTRY


def gate_applies(request: HttpRequest) -> bool:
    """Cheap checks first; the site settings row (one query, cached on the
    request and reused by the templates) only when nothing else decided."""
    if not settings.AGE_GATE_ENABLED or request.method not in ("GET", "HEAD"):
        return False
    path = request.path_info
    if _EXEMPT.match(path) or path.startswith(settings.CMS_URL_PREFIX):
        return False
    if request.user.is_authenticated or request.session.get(SESSION_KEY):
        return False
    if wants_json(request) or _is_crawler(request):
        return False
    site_settings = SiteSettings.for_request(request)
    return site_settings.age_gate_shows_for(visitor_country(request))


def _is_crawler(request: HttpRequest) -> bool:
    user_agent = request.headers.get("User-Agent", "")
    return bool(user_agent) and CrawlerDetect(user_agent=user_agent).isCrawler()


class AgeGateMiddleware:
    """After authentication (needs the user and the session)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not gate_applies(request):
            return self.get_response(request)
        response = render(
            request, "cms_pages/age_gate.html", {"next_url": request.get_full_path()}
        )
        response["X-Robots-Tag"] = "noindex"
        # The gate stands in for a public page at that page's address: a shared
        # cache must never keep it, nor serve the page to an unconfirmed visitor.
        patch_cache_control(response, private=True, no_store=True)
        patch_vary_headers(response, ["Cookie"])
        return response


@require_POST
def age_confirm(request: HttpRequest) -> HttpResponse:
    """ "I am 18 or older": remembered for this session, back to the page."""
    request.session[SESSION_KEY] = True
    target = request.POST.get("next", "/")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    return HttpResponseRedirect(target)


@require_GET
def age_leave(request: HttpRequest) -> HttpResponse:
    """ "Leave": a neutral page of our own (no third-party link or request)."""
    response = render(request, "cms_pages/age_gate_leave.html")
    response["X-Robots-Tag"] = "noindex"
    return response
