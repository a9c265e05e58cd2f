"""Response compression: Django's GZipMiddleware, for text only."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseBase
from django.middleware.gzip import GZipMiddleware

_TEXT_TYPES = frozenset(
    {
        "application/json",
        "application/problem+json",
        "application/javascript",
        "application/manifest+json",
        "application/xml",
        "application/vnd.oai.openapi",
        "image/svg+xml",
    }
)


def is_compressible(content_type: str) -> bool:
    media_type = content_type.split(";", 1)[0].strip().lower()
    return (
        media_type.startswith("text/")
        or media_type in _TEXT_TYPES
        or media_type.endswith(("+json", "+xml"))
    )


class TextGZipMiddleware(GZipMiddleware):
    """GZipMiddleware (random padding against BREACH since Django 4.2) for HTML,
    JSON, CSS, JS, XML and SVG. Photos, fonts and attachments are compressed
    already: gzipping them again costs CPU and saves nothing."""

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if not is_compressible(response.get("Content-Type", "")):
            return response
        return super().process_response(request, response)
