"""Bad input answers a clear 4xx in the one error shape, never a 500."""

import pytest
from django.test import override_settings
from rest_framework.throttling import UserRateThrottle

from tests.assertions import assert_error_shape

pytestmark = pytest.mark.django_db


def test_unknown_api_route_is_404_without_redirect(api_client):
    assert_error_shape(api_client.get("/api/v1/no-such-thing"), 404, "not_found")
    assert_error_shape(api_client.get("/api/v1/no-such-thing/"), 404, "not_found")


def test_unknown_html_route_renders_the_404_page(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert b"Page not found" in response.content
    assert b'class="site-header"' in response.content


def test_anonymous_me_is_401_with_a_challenge(api_client):
    response = api_client.get("/api/v1/me")
    assert_error_shape(response, 401, "not_authenticated")
    assert "X-Session-Token" in response["WWW-Authenticate"]


def test_me_returns_the_signed_in_user(api_client, client_user):
    api_client.force_authenticate(client_user)
    body = api_client.get("/api/v1/me").json()
    assert body["email"] == client_user.email
    assert body["role"] == "client"


def test_wrong_method_on_api_is_405(api_client, client_user):
    api_client.force_authenticate(client_user)
    response = api_client.delete("/api/v1/me")
    assert_error_shape(response, 405, "method_not_allowed")


def test_wrong_method_on_plain_django_view_is_405_shape(client):
    response = client.post("/healthz", HTTP_ACCEPT="application/json")
    error = assert_error_shape(response, 405, "method_not_allowed")
    assert error["message"]
    assert response["Allow"] == "GET"


def test_malformed_json_is_400(api_client, client_user):
    api_client.force_authenticate(client_user)
    response = api_client.patch(
        "/api/v1/me", data='{"display_name": ', content_type="application/json"
    )
    assert_error_shape(response, 400, "parse_error")


def test_unsupported_media_type_is_415(api_client, client_user):
    api_client.force_authenticate(client_user)
    response = api_client.patch(
        "/api/v1/me", data="display_name=x", content_type="text/plain"
    )
    assert_error_shape(response, 415, "unsupported_media_type")


def test_validation_error_names_the_field(api_client, client_user):
    api_client.force_authenticate(client_user)
    response = api_client.patch("/api/v1/me", {"display_name": "x" * 81}, format="json")
    error = assert_error_shape(response, 400, "validation_error")
    assert "display_name" in error["fields"]
    client_user.refresh_from_db()
    assert client_user.display_name != "x" * 81


def test_control_characters_are_refused(api_client, client_user):
    api_client.force_authenticate(client_user)
    response = api_client.patch(
        "/api/v1/me", {"display_name": "bell\x07"}, format="json"
    )
    assert "display_name" in assert_error_shape(response, 400)["fields"]


def test_valid_update_is_saved(api_client, client_user):
    api_client.force_authenticate(client_user)
    response = api_client.patch("/api/v1/me", {"display_name": "Rowan"}, format="json")
    assert response.status_code == 200
    client_user.refresh_from_db()
    assert client_user.display_name == "Rowan"


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1024)
def test_oversized_json_body_is_413(api_client, client_user):
    api_client.force_authenticate(client_user)
    response = api_client.patch(
        "/api/v1/me", {"display_name": "y" * 2000}, format="json"
    )
    assert_error_shape(response, 413, "payload_too_large")


def test_session_write_without_csrf_token_is_403(client, client_user):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(client_user)
    response = browser.patch(
        "/api/v1/me", data='{"display_name": "z"}', content_type="application/json"
    )
    assert_error_shape(response, 403, "permission_denied")
    client_user.refresh_from_db()
    assert client_user.display_name != "z"


def test_throttled_requests_get_429_and_retry_after(
    api_client, client_user, monkeypatch
):
    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {"user": "3/min"})
    api_client.force_authenticate(client_user)
    statuses = [api_client.get("/api/v1/me").status_code for _ in range(3)]
    assert statuses == [200, 200, 200]
    response = api_client.get("/api/v1/me")
    error = assert_error_shape(response, 429, "throttled")
    assert int(response["Retry-After"]) > 0
    assert "Retry in" in error["message"]
