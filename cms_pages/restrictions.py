"""Which sections of the page tree are private (a Wagtail view restriction on a
page covers it and its descendants), read once per change instead of once per
listing.

Wagtail's ``PageQuerySet.public()`` reads every ``PageViewRestriction`` each time
it is called: the home page asked four times per request, the city page three.
``PublicPageQuerySet.public()`` builds the same filter from the restricted
sections' tree paths, kept in the cache and forgotten whenever a restriction is
saved or deleted or a page moves (its path changes). A cache that is down only
costs the query again (core/cache.py fails open)."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.models import PageManager, PageViewRestriction
from wagtail.query import PageQuerySet
from wagtail.signals import post_page_move

CACHE_KEY = "cms_pages:private-sections:v1"
CACHE_SECONDS = 60 * 60


def private_sections() -> list[tuple[str, int]]:
    """(path, depth) of every page that carries a view restriction."""
    sections = cache.get(CACHE_KEY)
    if sections is None:
        rows = PageViewRestriction.objects.values_list("page__path", "page__depth")
        sections = sorted(set(rows))
        cache.set(CACHE_KEY, sections, CACHE_SECONDS)
    return [tuple(section) for section in sections]


def forget_private_sections() -> None:
    cache.delete(CACHE_KEY)


class PublicPageQuerySet(PageQuerySet):
    def private_q(self) -> Q:
        # The same condition as Wagtail's (descendant_of_q, inclusive), from the
        # cached paths.
        q = Q()
        for path, depth in private_sections():
            q |= Q(path__startswith=path, depth__gte=depth)
        return q if q else Q(pk__in=[])


PublicPageManager = PageManager.from_queryset(PublicPageQuerySet)


@receiver(post_save, sender=PageViewRestriction)
@receiver(post_delete, sender=PageViewRestriction)
@receiver(post_page_move)
def _restrictions_changed(**kwargs: Any) -> None:
    forget_private_sections()
