"""Where the listings of cms_pages' page types come from.

City, city index, featured collection and home pages list directory data
(profiles, cities), but ``cms_pages`` sits below ``directory`` and may not import
it (docs/architecture.md, "Dependency direction"). So each page's ``get_context()``
asks this registry, and ``directory`` registers one builder per page type when it
loads (``directory.listings``, imported by ``DirectoryConfig.ready``), the way
Django's admin autodiscovers. A page type without a builder lists nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from wagtail.models import Page

from core.db_routing import replica_reads_for

ListingBuilder = Callable[..., dict[str, Any]]

_builders: dict[type[Page], ListingBuilder] = {}


def register_listing(
    page_model: type[Page],
) -> Callable[[ListingBuilder], ListingBuilder]:
    """Decorator: ``builder(*, page, request) -> dict`` adds its keys to the
    template context of every ``page_model`` page."""

    def decorator(builder: ListingBuilder) -> ListingBuilder:
        _builders[page_model] = builder
        return builder

    return decorator


def listing_context(*, page: Page, request: HttpRequest) -> dict[str, Any]:
    builder = _builders.get(type(page))
    return builder(page=page, request=request) if builder else {}


class ListingPageMixin:
    """For page types whose listing a higher app builds (see the module doc)."""

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict:
        context = super().get_context(request, *args, **kwargs)
        replica_reads_for(request)  # public listings may read a replica
        context.update(listing_context(page=self, request=request))
        return context
