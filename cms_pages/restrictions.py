"""Which sections of the page tree are private (a Wagtail view restriction on a
page covers it and its descendants), read once per change instead of once per
listing.

Wagtail's ``PageQuerySet.public()`` reads every ``PageViewRestriction`` each time
it is called: the home page asked four times per request, the city page three.
``PublicPageQuerySet.public()`` builds the same filter from the restricted
sections' tree paths, kept in the cache and forgotten whenever a restriction is
saved or deleted or a page moves (its path changes). A cache that is down only
costs the query again (core/cache.py fails open).

``PrivateSectionsMixin`` uses the same list for serving: Wagtail's
``check_view_restrictions`` asks each page for its restrictions, reading its
ancestors and then the restrictions (two queries per page view). A page outside
every private section and below no alias (an alias answers with its source's
restrictions) has none, which the cached lists tell without a query; any other
page asks Wagtail as before."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.cache import cache
from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.models import Page, PageManager, PageViewRestriction
from wagtail.query import PageQuerySet
from wagtail.signals import post_page_move

CACHE_KEY = "cms_pages:private-sections:v1"
ALIASES_KEY = "cms_pages:alias-paths:v1"
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
    cache.delete_many([CACHE_KEY, ALIASES_KEY])


def alias_paths() -> list[str]:
    """Tree paths of the pages that are aliases of another page."""
    paths = cache.get(ALIASES_KEY)
    if paths is None:
        paths = sorted(
            Page.objects.filter(alias_of__isnull=False).values_list("path", flat=True)
        )
        cache.set(ALIASES_KEY, paths, CACHE_SECONDS)
    return list(paths)


class PrivateSectionsMixin:
    """For page types: Wagtail's view-restriction check without its queries for
    the pages that cannot have a restriction (see the module doc)."""

    def get_view_restrictions(self):  # noqa: ANN201 - Wagtail's signature
        path = self.path  # type: ignore[attr-defined]
        may_be_restricted = any(
            path.startswith(section) for section, _depth in private_sections()
        ) or any(path.startswith(alias) for alias in alias_paths())
        if may_be_restricted:
            return super().get_view_restrictions()  # type: ignore[misc]
        return PageViewRestriction.objects.none()


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


def connect_alias_receivers() -> None:
    """Called from CmsPagesConfig.ready(): a page saved or deleted as an alias
    changes the alias list. Connected per page model (a receiver without a
    sender would make every bulk delete in the project fetch its rows)."""
    for model in apps.get_models():
        if issubclass(model, Page):
            uid = f"restrictions.alias.{model._meta.label_lower}"
            post_save.connect(_page_row_changed, sender=model, dispatch_uid=uid)
            post_delete.connect(_page_row_changed, sender=model, dispatch_uid=uid)


def _page_row_changed(sender: type[Page], instance: Page, **kwargs: Any) -> None:
    if instance.alias_of_id is not None:
        cache.delete(ALIASES_KEY)
