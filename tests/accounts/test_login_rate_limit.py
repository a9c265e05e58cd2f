"""allauth's per-IP login limit keys on the client's address: a rotating
X-Forwarded-For does not reset it; behind our proxies the right hop counts."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import override_settings

pytestmark = pytest.mark.django_db

LOGIN = "/_allauth/app/v1/auth/login"
LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "3/m/ip"}


def _login(client, n: int, forwarded: str) -> int:  # noqa: ANN001
    return client.post(
        LOGIN,
        {"email": f"guess{n}@example.test", "password": "not-the-password-1"},
        content_type="application/json",
        HTTP_X_FORWARDED_FOR=forwarded,
    ).status_code


@override_settings(ACCOUNT_RATE_LIMITS=LIMITS)
def test_rotating_x_forwarded_for_does_not_escape_the_login_limit(client):
    statuses = [_login(client, n, f"203.0.113.{n}") for n in range(4)]
    assert 429 not in statuses[:3]
    assert statuses[3] == 429


@override_settings(ACCOUNT_RATE_LIMITS=LIMITS, ALLAUTH_TRUSTED_PROXY_COUNT=1)
def test_behind_one_proxy_the_login_limit_keys_on_the_hop_it_appended(client):
    statuses = [_login(client, n, f"10.9.9.{n}, 198.51.100.7") for n in range(4)]
    assert statuses[3] == 429
    # Same peer (the proxy), another client: not limited.
    assert _login(client, 9, "198.51.100.8") != 429
