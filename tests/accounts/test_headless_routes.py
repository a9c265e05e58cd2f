"""allauth's headless API serves only the flows that are on, and a malformed
password-reset key answers allauth's invalid-key 400, not a 500."""

from __future__ import annotations

import pytest

from tests.assertions import assert_error_shape
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
JSON = {"content_type": "application/json"}
RESET = "/_allauth/{client}/v1/auth/password/reset"


@pytest.mark.parametrize("client_kind", ["browser", "app"])
@pytest.mark.parametrize(
    "route", ["account/phone", "auth/phone/verify", "auth/phone/verify/resend"]
)
def test_phone_routes_are_not_served_while_phone_login_is_off(
    client, client_kind, route
):
    client.raise_request_exception = False
    client.force_login(UserFactory())
    url = f"/_allauth/{client_kind}/v1/{route}"
    assert_error_shape(client.get(url), 404, "not_found")
    assert_error_shape(client.post(url, {"phone": "+4512345678"}, **JSON), 404)


def test_login_code_confirmation_is_not_served_while_login_by_code_is_off(client):
    assert_error_shape(
        client.post("/_allauth/browser/v1/auth/code/confirm", {"code": "1"}, **JSON),
        404,
    )


@pytest.mark.parametrize("client_kind", ["browser", "app"])
@pytest.mark.parametrize("key", ["-abc", "-1-abc", "--", "-"])
def test_a_reset_key_without_its_user_part_is_an_invalid_key(client, client_kind, key):
    client.raise_request_exception = False
    url = RESET.format(client=client_kind)
    for response in (
        client.get(url, HTTP_X_PASSWORD_RESET_KEY=key),
        client.post(url, {"key": key, "password": "long-enough-pass-123"}, **JSON),
    ):
        assert response.status_code == 400, response.content[:300]
        assert response.json()["errors"] == [
            {
                "message": "The password reset token was invalid.",
                "code": "invalid_password_reset",
                "param": "key",
            }
        ]


def test_a_real_reset_key_still_resets_the_password(client):
    from allauth.account.forms import default_token_generator
    from allauth.account.utils import user_pk_to_url_str

    user = UserFactory()
    key = f"{user_pk_to_url_str(user)}-{default_token_generator.make_token(user)}"
    url = RESET.format(client="browser")
    assert client.get(url, HTTP_X_PASSWORD_RESET_KEY=key).status_code == 200
    done = client.post(url, {"key": key, "password": "a-new-long-pass-4711"}, **JSON)
    assert done.status_code in (200, 401), done.content[:300]
    user.refresh_from_db()
    assert user.check_password("a-new-long-pass-4711")
