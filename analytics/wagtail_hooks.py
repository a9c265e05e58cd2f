"""Profile page views (docs/analytics.md): counted before Wagtail serves a live
EscortProfilePage to a GET. Previews never come through here (Wagtail's preview
views call ``serve_preview`` directly, without the ``before_serve_page`` hooks),
so an editor's or moderator's preview is not a view. A page the full-page cache
answers (cms_pages/page_cache.py) is counted by its ``page_cache_hit`` hook."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from wagtail import hooks
from wagtail.models import Page

from analytics.recording import EventKind, profile_event_record
from cms_pages.page_cache import ServedPage
from directory.models import EscortProfilePage

PROFILE_MODEL = EscortProfilePage._meta.label_lower


@hooks.register("before_serve_page")
def count_profile_view(
    page: Page,
    request: HttpRequest,
    serve_args: Any,
    serve_kwargs: Any,  # noqa: ANN401
) -> None:
    if (
        request.method == "GET"
        and isinstance(page, EscortProfilePage)
        and page.live
        and not getattr(request, "is_preview", False)
    ):
        profile_event_record(request=request, profile_id=page.pk, kind=EventKind.VIEW)


@hooks.register("page_cache_hit")
def count_cached_profile_view(request: HttpRequest, page: ServedPage) -> None:
    """The same count for a hit: only live pages are ever cached."""
    if request.method == "GET" and page.model == PROFILE_MODEL:
        profile_event_record(
            request=request, profile_id=page.page_id, kind=EventKind.VIEW
        )
