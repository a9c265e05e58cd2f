"""Media files answered by Django itself, for the demo only (``SERVE_MEDIA``):
production serves MEDIA_URL from its storage or CDN. Rendition and original names
are random and never reused for other content, so a day's browser cache is safe."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe
from django.views.static import serve


@require_safe
def media_file(request: HttpRequest, path: str) -> HttpResponse:
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    patch_cache_control(response, public=True, max_age=86_400)
    return response
