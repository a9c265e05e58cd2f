"""Delivery: HTML, JSON, CSS and JS answer compressed to clients that accept gzip,
with Django's BREACH padding; hashed static files are cached for a year."""

from __future__ import annotations

import gzip
import re

import pytest
from django.core.management import call_command
from django.http import HttpResponse
from django.middleware.gzip import GZipMiddleware
from django.templatetags.static import static
from django.test import Client

from core.compression import TextGZipMiddleware
from core.staticfiles import ONE_YEAR
from tests.factories.pages import make_city, make_profile

pytestmark = pytest.mark.django_db

GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}


def body_of(response) -> bytes:  # noqa: ANN001
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def gunzipped(response) -> str:  # noqa: ANN001
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    return gzip.decompress(body_of(response)).decode()


def test_html_pages_answer_gzipped(client):
    berlin = make_city("Berlin")
    make_profile("Amelie", city=berlin)

    for url in ("/", berlin.url, "/escorts/amelie/"):
        assert "</html>" in gunzipped(client.get(url, **GZIP)), url


def test_json_answers_gzipped(client):
    for n in range(4):
        make_city(f"City {n}")

    text = gunzipped(client.get("/api/v1/cities", **GZIP))

    assert '"City 3"' in text


def test_css_and_js_answer_gzipped(client):
    html = client.get("/").content.decode()
    stylesheet = re.search(r'<link rel="stylesheet" href="([^"]+)"', html).group(1)

    assert "--" in gunzipped(client.get(stylesheet, **GZIP))  # custom properties
    assert "function" in gunzipped(client.get("/static/js/messages.js", **GZIP))


def test_clients_without_gzip_get_plain_bodies(client):
    response = client.get("/")

    assert not response.has_header("Content-Encoding")
    assert b"</html>" in response.content


def test_compression_is_padded_against_breach(client):
    """Django (4.2+) adds 0-99 random bytes to the gzip header: the same body
    compresses to different lengths, so the size leaks nothing reliable."""
    for n in range(4):
        make_city(f"City {n}")

    assert GZipMiddleware.max_random_bytes >= 100
    lengths = {len(client.get("/api/v1/cities", **GZIP).content) for _ in range(8)}
    assert len(lengths) > 1


@pytest.fixture
def collected_static(tmp_path, settings):
    """The production static storage (hashed names + .gz files), collected from
    the project's own static/ only, so the test stays fast."""
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        },
    }
    settings.STATICFILES_FINDERS = [
        "django.contrib.staticfiles.finders.FileSystemFinder"
    ]
    settings.WHITENOISE_USE_FINDERS = False
    call_command("collectstatic", interactive=False, verbosity=0)
    return tmp_path


def test_hashed_static_files_are_cached_for_a_year(collected_static):
    client = Client()  # a new handler: WhiteNoise reads the collected files
    url = static("css/site.css")
    assert re.fullmatch(r"/static/css/site\.[0-9a-f]{12}\.css", url), url

    response = client.get(url, **GZIP)

    assert response.status_code == 200
    assert response["Cache-Control"] == f"max-age={ONE_YEAR}, public, immutable"
    assert ONE_YEAR == 31_536_000
    assert response["Content-Encoding"] == "gzip"  # the .gz written at collectstatic
    assert gzip.decompress(body_of(response))
    # The unhashed name is not immutable: it may change with the next deploy.
    plain = client.get("/static/css/site.css")
    assert "immutable" not in plain.get("Cache-Control", "")


def test_production_stores_static_files_hashed_and_compressed():
    from config.settings import base

    backend = base.STORAGES["staticfiles"]["BACKEND"]
    assert backend == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert "core.staticfiles.StaticFilesMiddleware" in base.MIDDLEWARE
    # Below the header-only middleware, above everything that writes a body.
    assert base.MIDDLEWARE[4] == "core.compression.TextGZipMiddleware"


def test_compression_is_django_gzip_for_text_only(rf):
    assert issubclass(TextGZipMiddleware, GZipMiddleware)
    body = b"x" * 2000

    def answer(content_type: str):  # noqa: ANN202
        middleware = TextGZipMiddleware(
            lambda request: HttpResponse(body, content_type=content_type)
        )
        return middleware(rf.get("/", HTTP_ACCEPT_ENCODING="gzip"))

    for content_type in ("text/html; charset=utf-8", "application/json", "text/css"):
        assert answer(content_type)["Content-Encoding"] == "gzip", content_type
    for content_type in ("image/webp", "image/jpeg", "font/woff2"):
        assert not answer(content_type).has_header("Content-Encoding"), content_type
