"""Wagtail hooks of the CMS pages app."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from wagtail import hooks
from wagtail.models import Page

from cms_pages.page_cache import page_served


@hooks.register("before_serve_page")
def note_page_for_cache(
    page: Page,
    request: HttpRequest,
    serve_args: Any,  # noqa: ANN401
    serve_kwargs: Any,  # noqa: ANN401
) -> None:
    """Only a live page Wagtail serves may be kept by the full-page cache
    (cms_pages/page_cache.py); previews never come through here. Wagtail's
    view-restriction hook runs first and answers for restricted pages."""
    if page.live and not getattr(request, "is_preview", False):
        page_served(request=request, page=page)
