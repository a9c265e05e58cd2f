"""Serving a page found by its URL path in one query, instead of Wagtail's walk
down the tree.

Wagtail routes ``/cities/london/`` from the site's root page: the root, then each
level's child by slug, and ``.specific`` at every level (two queries per level);
then ``check_view_restrictions`` reads the page's ancestors and their view
restrictions (two more). For the city page that was 7 of its 15 queries.

``serve`` is Wagtail's own view with the route worked out first: the page whose
``url_path`` is the site root's plus the request path, read straight from its
specific model (one query; which model is remembered per URL path, and a hint
that no longer fits only costs the two-query lookup again). It leaves the request
to Wagtail's walk, unchanged, whenever the short way does not give the same
answer for sure: no site, no page at that path (a sub-path a page would handle,
or a 404), a page that is not live (Wagtail's 404), or a page model that routes
by itself (``route`` overridden; none does today, tests/cms_pages/test_routing.py
checks it). The view-restriction check is the other half
(``PrivateSectionsMixin.get_view_restrictions``, cms_pages/restrictions.py).

Written by hand: Wagtail has no setting for routing by ``url_path``, and the
request attribute it caches its route in (``_wagtail_route_for_request``,
``Page.route_for_request``) is the documented seam this fills.
"""

from __future__ import annotations

import hashlib

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from wagtail import views as wagtail_views
from wagtail.models import Page, Site
from wagtail.url_routing import RouteResult

from cms_pages.sites import site_for_request

HINT_SECONDS = 24 * 60 * 60


def serve(request: HttpRequest, path: str) -> HttpResponse:
    """Wagtail's ``serve`` view (``wagtail_serve``), routed by URL path."""
    if not hasattr(request, "_wagtail_route_for_request"):
        page = page_for_path(request, path)
        if page is not None:
            request._wagtail_route_for_request = RouteResult(page)
    return wagtail_views.serve(request, path)


def page_for_path(request: HttpRequest, path: str) -> Page | None:
    """The live, specific page at ``path`` of the request's site, or None when
    Wagtail's own walk must decide."""
    site = site_for_request(request)  # Site.find_for_request's answer, cached
    if site is None:
        return None
    root_path = _root_url_path(site)
    if root_path is None:
        return None
    components = [component for component in path.split("/") if component]
    url_path = root_path + "".join(f"{component}/" for component in components)
    page = _specific_page(url_path)
    if page is None or not page.live or routes_by_itself(type(page)):
        return None
    return page


def routes_by_itself(model: type[Page]) -> bool:
    """A page type that answers sub-paths (or routes otherwise) must be walked to."""
    return model.route is not Page.route


def _root_url_path(site: Site) -> str | None:
    # Wagtail's own cached list (site id, root page url_path, ...); no query.
    for root in Site.get_site_root_paths():
        if root.site_id == site.id:
            return root.root_path
    return None


def _hint_key(url_path: str) -> str:
    digest = hashlib.sha256(url_path.encode()).hexdigest()[:32]
    return f"cms_pages:route-model:v1:{digest}"


def _specific_page(url_path: str) -> Page | None:
    content_type_id = cache.get(_hint_key(url_path))
    if content_type_id is not None:
        page = _read(content_type_id, url_path)
        if page is not None:
            return page
    # No hint, or the path now belongs to a page of another type.
    found = (
        Page.objects.filter(url_path=url_path)
        .order_by("path")
        .values_list("content_type_id", flat=True)
        .first()
    )
    if found is None:
        return None
    cache.set(_hint_key(url_path), found, HINT_SECONDS)
    return _read(found, url_path)


def _read(content_type_id: int, url_path: str) -> Page | None:
    try:
        model = ContentType.objects.get_for_id(content_type_id).model_class()
    except ContentType.DoesNotExist:  # a hint older than a removed page type
        return None
    if model is None or not issubclass(model, Page):
        return None
    # _base_manager, as Wagtail's .specific does: no default filtering.
    return model._base_manager.filter(url_path=url_path).order_by("path").first()


class _PageAtPath:
    """A page known only by its ``url_path``, given Wagtail's own URL methods:
    ``Page.get_url`` and what it calls read nothing else of the page (and keep
    the sites' root paths on the request). A list read as values (``.values()``
    rows) gets the URLs its page objects would give, without building them."""

    __slots__ = ("url_path",)

    get_url = Page.get_url
    get_url_parts = Page.get_url_parts
    _get_site_root_paths = Page._get_site_root_paths
    _get_relevant_site_root_paths = Page._get_relevant_site_root_paths

    def __init__(self, url_path: str) -> None:
        self.url_path = url_path


def page_url(*, url_path: str, request: HttpRequest) -> str | None:
    """``page.get_url(request=request)`` for the page at ``url_path``: a path
    on the request's site, a full URL on another, None where no site serves it.
    The request's site comes from the cached sites (cms_pages.sites), not a
    query."""
    site_for_request(request)
    return _PageAtPath(url_path).get_url(request=request)
