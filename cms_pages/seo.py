"""Text helpers for the SEO methods of ``cms_pages.models.SeoMixin`` (and the page
types of higher apps that override them): descriptions are plain text of at most
``DESCRIPTION_LENGTH`` characters."""

from __future__ import annotations

from django.utils.html import strip_tags
from django.utils.text import Truncator

DESCRIPTION_LENGTH = 160


def plain_text(html: str) -> str:
    return " ".join(strip_tags(html or "").split())


def truncate_description(text: str) -> str:
    return Truncator(plain_text(text)).chars(DESCRIPTION_LENGTH)
