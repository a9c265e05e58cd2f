"""Anonymous throttles key on the client's address, not on a header the client
writes: X-Forwarded-For counts only past the proxies we run (TRUSTED_PROXY_COUNT)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import override_settings
from rest_framework.throttling import AnonRateThrottle

from tests.assertions import assert_error_shape

pytestmark = pytest.mark.django_db

URL = "/api/v1/cities"


@pytest.fixture(autouse=True)
def _three_per_minute(monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/min"})


def _behind_proxies(count: int):  # noqa: ANN202 - an override_settings
    return override_settings(
        REST_FRAMEWORK={**settings.REST_FRAMEWORK, "NUM_PROXIES": count}
    )


def test_the_default_trusts_no_forwarded_address():
    assert settings.TRUSTED_PROXY_COUNT == 0
    assert settings.REST_FRAMEWORK["NUM_PROXIES"] == 0
    assert settings.ALLAUTH_TRUSTED_PROXY_COUNT == 0


def test_rotating_x_forwarded_for_does_not_escape_the_anon_throttle(api_client):
    statuses = [
        api_client.get(URL, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code
        for n in range(4)
    ]
    assert statuses[:3] == [200, 200, 200]
    assert statuses[3] == 429


def test_behind_one_proxy_the_hop_it_appended_is_the_client(api_client):
    with _behind_proxies(1):
        # The client prepends whatever it likes; our proxy appends what it saw.
        statuses = [
            api_client.get(
                URL, HTTP_X_FORWARDED_FOR=f"10.9.9.{n}, 198.51.100.7"
            ).status_code
            for n in range(4)
        ]
        other_client = api_client.get(URL, HTTP_X_FORWARDED_FOR="198.51.100.8")
    assert statuses == [200, 200, 200, 429]
    # Every request came from 127.0.0.1 (the proxy): the other client still passes.
    assert other_client.status_code == 200


def test_behind_two_proxies_the_second_hop_from_the_right_is_the_client(api_client):
    with _behind_proxies(2):
        for n in range(3):
            forwarded = f"10.0.0.{n}, 198.51.100.7, 192.0.2.1"
            response = api_client.get(URL, HTTP_X_FORWARDED_FOR=forwarded)
            assert response.status_code == 200
        limited = api_client.get(
            URL, HTTP_X_FORWARDED_FOR="10.0.0.99, 198.51.100.7, 192.0.2.2"
        )
    assert_error_shape(limited, 429, "throttled")


@override_settings(TRUSTED_PROXY_COUNT=2, ALLAUTH_TRUSTED_PROXY_COUNT=2)
def test_a_request_that_skipped_the_proxies_is_400_not_500(api_client, client):
    # Two proxies each append a hop; one entry means the request went around them.
    response = api_client.get(URL, HTTP_X_FORWARDED_FOR="203.0.113.7")
    error = assert_error_shape(response, 400, "validation_error")
    assert "X-Forwarded-For" in error["fields"]
    # allauth's login used to raise ImproperlyConfigured (a 500) for the same header.
    login = client.post(
        "/accounts/login/",
        {"login": "a@example.test", "password": "x"},
        HTTP_X_FORWARDED_FOR="203.0.113.7",
    )
    assert login.status_code == 400
    # Through both proxies it is served, and without the header REMOTE_ADDR counts.
    through = api_client.get(URL, HTTP_X_FORWARDED_FOR="203.0.113.7, 10.0.0.2")
    assert through.status_code == 200
    assert api_client.get(URL).status_code == 200
