"""The demo answers MEDIA_URL itself (SERVE_MEDIA, on in dev settings whatever
DEBUG says): with DEBUG off the demo's photos used to answer 404."""

from __future__ import annotations

import pytest
from django.core.exceptions import SuspiciousFileOperation
from django.http import Http404
from django.test import RequestFactory

from core.media import media_file


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "a.webp").write_bytes(b"RIFF....WEBP")
    return tmp_path


def test_a_media_file_is_served_with_a_days_cache(media_root):
    response = media_file(RequestFactory().get("/media/images/a.webp"), "images/a.webp")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"RIFF....WEBP"
    assert "max-age=86400" in response["Cache-Control"]


def test_a_missing_file_or_a_path_outside_media_is_404(media_root):
    with pytest.raises(Http404):
        media_file(RequestFactory().get("/media/nope.webp"), "nope.webp")
    # Django answers this one 400 (SuspiciousOperation), never a file outside.
    with pytest.raises(SuspiciousFileOperation):
        media_file(RequestFactory().get("/media/x"), "../../etc/passwd")


def test_only_reading_is_allowed(media_root):
    request = RequestFactory().post("/media/images/a.webp")

    response = media_file(request, "images/a.webp")

    assert response.status_code == 405
