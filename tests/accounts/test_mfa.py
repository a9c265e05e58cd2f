"""TOTP through the headless API: activate, then a login asks for the code."""

from __future__ import annotations

import pytest
from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
JSON = {"content_type": "application/json"}


def _code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))


def test_totp_activation_then_login_requires_the_code(client):
    user = UserFactory()
    login = client.post(
        "/_allauth/app/v1/auth/login",
        {"email": user.email, "password": PASSWORD},
        **JSON,
    )
    token = login.json()["meta"]["session_token"]
    auth = {"HTTP_X_SESSION_TOKEN": token}

    setup = client.get("/_allauth/app/v1/account/authenticators/totp", **auth)
    assert setup.status_code == 404  # not active yet: answers a secret to enrol
    secret = setup.json()["meta"]["secret"]

    wrong = client.post(
        "/_allauth/app/v1/account/authenticators/totp",
        {"code": "000000"},
        **auth,
        **JSON,
    )
    assert wrong.status_code == 400
    # Changing authenticators asks for the password again (allauth reauthentication).
    reauth = client.post(
        "/_allauth/app/v1/auth/reauthenticate", {"password": PASSWORD}, **auth, **JSON
    )
    assert reauth.status_code == 200, reauth.content
    activate = client.post(
        "/_allauth/app/v1/account/authenticators/totp",
        {"code": _code(secret)},
        **auth,
        **JSON,
    )
    assert activate.status_code == 200, activate.content
    codes = client.get("/_allauth/app/v1/account/authenticators/recovery-codes", **auth)
    assert codes.status_code == 200
    assert codes.json()["data"]["unused_code_count"] > 0

    second = client.post(
        "/_allauth/app/v1/auth/login",
        {"email": user.email, "password": PASSWORD},
        **JSON,
    )
    assert second.status_code == 401
    pending = [f["id"] for f in second.json()["data"]["flows"] if f.get("is_pending")]
    assert pending == ["mfa_authenticate"]
    pending_token = second.json()["meta"]["session_token"]
    assert (
        client.get("/api/v1/me", HTTP_X_SESSION_TOKEN=pending_token).status_code == 401
    )
