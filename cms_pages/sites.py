"""The request's Wagtail site without a query.

``Site.find_for_request`` asks PostgreSQL on every request (an annotated query
over the sites, with the root page joined) and keeps the answer on the request
(``_wagtail_site``). The sites change about never, so the list is kept in the
cache and forgotten whenever a site is saved or deleted; the choice among them
is Wagtail's own ``get_site_for_hostname`` rule, done in Python over that list
(tests/cms_pages/test_sites.py compares both on every case of the rule). The
root page is not cached with them: nothing on a request's path reads it, and a
read would load it fresh.

Written by hand: Wagtail has no cache for this lookup, and the request attribute
it keeps its answer in is the seam used here (as cms_pages.routing does for the
route)."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http import HttpRequest
from django.http.request import split_domain_port
from wagtail.models import Site

CACHE_KEY = "cms_pages:sites:v1"
CACHE_SECONDS = 24 * 60 * 60

# Wagtail's ranks (wagtail.models.sites): best first.
_HOSTNAME_PORT, _HOSTNAME_DEFAULT, _DEFAULT, _HOSTNAME = range(4)


def site_for_request(request: HttpRequest) -> Site | None:
    """What ``Site.find_for_request`` answers, kept on the request as Wagtail
    keeps it, so every later ``find_for_request`` of the request reuses it."""
    if not hasattr(request, "_wagtail_site"):
        hostname = split_domain_port(request._get_raw_host())[0]
        request._wagtail_site = site_for_hostname(hostname, request.get_port())
    return request._wagtail_site


def site_for_hostname(hostname: str, port: Any) -> Site | None:
    """Wagtail's ``get_site_for_hostname`` over the cached sites; None where
    Wagtail raises ``Site.DoesNotExist``."""
    port = int(port) if str(port).isdigit() else port

    def rank(site: Site) -> int:
        if site.hostname == hostname:
            if site.port == port:
                return _HOSTNAME_PORT
            return _HOSTNAME_DEFAULT if site.is_default_site else _HOSTNAME
        return _DEFAULT

    candidates = sorted(
        (s for s in _sites() if s.hostname == hostname or s.is_default_site),
        key=lambda s: (rank(s), s.pk),
    )
    if not candidates:
        return None
    best = rank(candidates[0])
    if len(candidates) == 1 or best in (_HOSTNAME_PORT, _HOSTNAME_DEFAULT):
        return candidates[0]
    if best == _DEFAULT:
        # The default, unless exactly one site has the hostname: then that one.
        return candidates[len(candidates) == 2]
    return None


def _sites() -> list[Site]:
    sites = cache.get(CACHE_KEY)
    if sites is None:
        sites = list(Site.objects.order_by("pk"))
        cache.set(CACHE_KEY, sites, CACHE_SECONDS)
    return sites


@receiver(post_save, sender=Site)
@receiver(post_delete, sender=Site)
def _sites_changed(**kwargs: Any) -> None:
    cache.delete(CACHE_KEY)
