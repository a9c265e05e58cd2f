"""HTML views of the CMS that are not Wagtail pages."""

from __future__ import annotations

import mimetypes

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from cms_pages.selectors import image_pending_for
from cms_pages.storages import PENDING_PREFIX

# Private areas: the CMS, sign-in flows, the JSON APIs and the owners' dashboard.
ROBOTS_DISALLOW = (
    settings.CMS_URL_PREFIX,
    "/accounts/",
    "/api/",
    "/_allauth/",
    "/dashboard/",
    "/pending-media/",
)
# The doors into the account area are public pages that people search for ("sign
# in"): crawlers may read them (the longest matching rule wins over /accounts/).
ROBOTS_ALLOW = ("/accounts/login/", "/accounts/signup/")


@require_GET
@cache_control(public=True, max_age=86400)
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Allow: /",
        *(f"Allow: {path}" for path in ROBOTS_ALLOW),
        *(f"Disallow: {path}" for path in ROBOTS_DISALLOW),
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


@require_GET
def image_pending(request: HttpRequest, name: str) -> FileResponse:
    """A photo in review (original or rendition), to its uploader and moderators
    only; anyone else gets 404 (docs/architecture.md, invariant 8). Never cached by
    a CDN or the browser: approval moves the photo to public media under another
    URL."""
    stored_name = PENDING_PREFIX + name
    image = image_pending_for(user=request.user, name=stored_name)
    if image is None:
        raise Http404
    content_type = mimetypes.guess_type(stored_name)[0] or "application/octet-stream"
    response = FileResponse(
        image.file.storage.open(stored_name), content_type=content_type
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
