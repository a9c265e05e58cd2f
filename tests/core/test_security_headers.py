"""Security headers on every response, including the error responses our own
middleware answers or reshapes (413, 405, CSRF 403, 404), in JSON and HTML."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, override_settings

from tests.assertions import assert_error_shape

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def _policy(response) -> dict[str, list[str]]:  # noqa: ANN001
    header = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in header.split(";") if part)
    }


def assert_security_headers(response) -> dict[str, list[str]]:  # noqa: ANN001
    """The headers SecurityMiddleware, the CSP, Permissions-Policy and
    clickjacking middleware set, whatever answered the request."""
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    policy = _policy(response)
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    return policy


def test_an_html_page_has_a_strict_policy(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    policy = assert_security_headers(response)
    assert policy["default-src"] == ["'self'"]


def test_an_api_response_has_the_headers_too(api_client):
    assert_security_headers(api_client.get("/api/v1/cities"))


def test_404_json_and_html_keep_the_headers(client):
    assert_security_headers(client.get("/api/v1/no-such-thing"))
    html = client.get("/no-such-page/")
    assert html.status_code == 404
    assert_security_headers(html)


def test_405_reshaped_into_json_keeps_the_headers(client):
    response = client.post("/healthz", HTTP_ACCEPT="application/json")
    assert_error_shape(response, 405, "method_not_allowed")
    assert_security_headers(response)
    html = client.post("/healthz")
    assert html.status_code == 405
    assert_security_headers(html)


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1024)
def test_413_keeps_the_headers(client):
    for path in ("/api/v1/me", "/accounts/login/"):
        response = client.post(path, data="x" * 2048, content_type="application/json")
        assert_error_shape(response, 413, "payload_too_large")
        assert_security_headers(response)


def test_csrf_failures_keep_the_headers(client_user):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(client_user)
    api = browser.patch(
        "/api/v1/me", data='{"display_name": "z"}', content_type="application/json"
    )
    assert_error_shape(api, 403, "permission_denied")
    assert_security_headers(api)
    html = browser.post("/accounts/logout/")
    assert html.status_code == 403
    assert html["Content-Type"].startswith("text/html")
    assert_security_headers(html)


def test_post_to_an_unknown_api_route_is_404_not_a_csrf_403(client_user):
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(
        "/api/v1/does-not-exist", data="{}", content_type="application/json"
    )
    assert_error_shape(response, 404, "not_found")
    browser.force_login(client_user)
    signed_in = browser.post("/api/v1/does-not-exist/deeper", data={})
    assert_error_shape(signed_in, 404, "not_found")
    assert_security_headers(signed_in)


def test_the_wagtail_admin_gets_its_own_policy(client, admin_user, admin_login):
    admin_login(client, admin_user)
    response = client.get("/cms/")
    assert response.status_code == 200
    policy = _policy(response)
    # Wagtail 7.4 writes inline scripts and styles and frames its previews.
    assert "'unsafe-inline'" in policy["script-src"]
    assert "'unsafe-inline'" in policy["style-src"]
    assert policy["frame-ancestors"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert "Permissions-Policy" in response


def test_only_the_cms_prefix_is_relaxed(client):
    for path in ("/cmsx/", "/accounts/cms/"):
        policy = _policy(client.get(path))
        assert "'unsafe-inline'" not in policy["script-src"]


def test_api_docs_load_their_start_up_script_from_a_url(client):
    page = client.get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert not _inline_scripts(html)
    assert "<style" not in html
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()


# An executable <script> without src: no type, or a JavaScript one. JSON data
# blocks (application/json, application/ld+json) are not executed.
_SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)


def _inline_scripts(html: str) -> list[str]:
    return [
        attrs
        for attrs in _SCRIPT_TAG.findall(html)
        if "src=" not in attrs and "json" not in attrs
    ]


def _our_templates() -> list[Path]:
    apps = [ROOT / "templates", *ROOT.glob("*/templates")]
    return [
        path
        for folder in apps
        if ".venv" not in folder.parts
        for path in folder.rglob("*.html")
    ]


def test_no_template_of_ours_has_inline_script_or_style():
    templates = _our_templates()
    assert len(templates) > 20
    offenders = []
    for path in templates:
        text = path.read_text()
        if _inline_scripts(text) or re.search(r"<style\b|\sstyle=|\son[a-z]+=", text):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_the_csp_is_set_by_our_middleware_first_in_line():
    # Outermost: its headers reach responses the middleware below answer.
    assert settings.MIDDLEWARE[:4] == [
        "django.middleware.security.SecurityMiddleware",
        "core.middleware.ContentSecurityPolicyMiddleware",
        "core.middleware.PermissionsPolicyMiddleware",
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
    ]
