"""What makes cached pages stale (docs/caching.md, "Invalidation").

One global content version (cms_pages.page_cache) rather than per-URL purges:
a profile shows on its own page, its city's listings, the home page's
featured rows and search results, so knowing every URL a change touches is
where per-URL invalidation goes wrong. A bump costs one Redis write and a
re-render of the pages visitors ask for next.

Wagtail's own events (publish, unpublish, move, delete) and the rows pages show
(snippets: services, languages; site settings and footer; sites; images and
documents) bump it here. Profile pauses, suspensions, verifications and every
other search-index write bump it through ``search.generation``. Page saves that
only store a draft do not.

The CDN (``WAGTAILFRONTENDCACHE``, off when unset) is purged per URL on publish
and unpublish: the page and its live ancestors (the listing pages above it);
listings elsewhere catch up within ``PAGE_CACHE_S_MAXAGE``."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import Model
from django.db.models.signals import post_delete, post_save
from wagtail.contrib.frontend_cache.utils import purge_pages_from_cache
from wagtail.contrib.settings.models import BaseSiteSetting
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, Site
from wagtail.signals import page_published, page_unpublished, post_page_move
from wagtail.snippets.models import get_snippet_models

from cms_pages.page_cache import page_content_changed


def connect_receivers() -> None:
    """Called from CmsPagesConfig.ready(). Row signals are connected per content
    model, never without a sender: a receiver for every model would make Django
    fetch the rows of every bulk delete in the project (retention jobs, session
    ends) instead of deleting them in one statement."""
    page_published.connect(_page_published, dispatch_uid="page_cache.published")
    page_unpublished.connect(_page_published, dispatch_uid="page_cache.unpublished")
    post_page_move.connect(_page_moved, dispatch_uid="page_cache.moved")
    for model in content_models():
        uid = f"page_cache.{model._meta.label_lower}"
        post_delete.connect(_row_changed, sender=model, dispatch_uid=f"{uid}.deleted")
        if not issubclass(model, Page):  # a page save may be a draft: publish counts
            post_save.connect(_row_changed, sender=model, dispatch_uid=f"{uid}.saved")


def content_models() -> list[type[Model]]:
    """Every concrete model a page can show: page types, snippets, site
    settings, sites, images and documents. ``get_snippet_models`` imports the
    apps' wagtail_hooks, where snippets are registered; every model is loaded
    by the time an app's ready() runs."""
    bases = (Page, BaseSiteSetting, Site, get_image_model(), get_document_model())
    snippets = set(get_snippet_models())
    return [
        model
        for model in apps.get_models()
        if issubclass(model, bases) or model in snippets
    ]


def _page_published(sender: type[Page], instance: Page, **kwargs: Any) -> None:
    page_content_changed()
    _purge_frontend(instance)


def _page_moved(sender: type[Page], instance: Page, **kwargs: Any) -> None:
    page_content_changed()


def _row_changed(sender: type[Model], **kwargs: Any) -> None:
    page_content_changed()


def _purge_frontend(page: Page) -> None:
    if not settings.WAGTAILFRONTENDCACHE:
        return
    ancestors = page.get_ancestors().filter(depth__gt=1).live()
    pages = [page, *ancestors]
    transaction.on_commit(lambda: purge_pages_from_cache(pages))
