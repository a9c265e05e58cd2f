"""The account security page and the sessions page (docs/account-security.md):
each signed-in device listed with a short device name and a masked address,
one device or all others signed out, another user's session not found, and
allauth's headless sessions endpoints on."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from accounts.sessions import device_label, masked_ip
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
JSON = {"content_type": "application/json"}
ANDROID = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36"
)
MAC = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) Safari/605.1.15"
SESSIONS = "/accounts/security/sessions/"


def signed_in(user, *, agent: str = MAC, ip: str = "203.0.113.57") -> Client:  # noqa: ANN001
    browser = Client(HTTP_USER_AGENT=agent, REMOTE_ADDR=ip)
    response = browser.post(
        "/accounts/login/", {"login": user.email, "password": PASSWORD}
    )
    assert response.status_code == 302, response.content
    return browser


def row_of(browser: Client) -> UserSession:
    return UserSession.objects.get(session_key=browser.session.session_key)


def is_signed_in(browser: Client) -> bool:
    return browser.get("/notifications/").status_code == 200


@pytest.fixture
def user():  # noqa: ANN201
    return UserFactory(role=Role.CLIENT, email="owner@example.com")


def test_sessions_page_lists_each_device_with_masked_address(user):
    laptop = signed_in(user)
    signed_in(user, agent=ANDROID, ip="198.51.100.23")
    signed_in(UserFactory(), agent="Stranger/1.0", ip="192.0.2.9")

    page = laptop.get(SESSIONS)

    html = page.content.decode()
    assert page.status_code == 200
    assert html.count('data-session="') == 2
    assert "203.0.113.x" in html and "198.51.100.x" in html
    assert "203.0.113.57" not in html and "198.51.100.23" not in html
    assert "Android 14" in html and "Stranger" not in html
    assert html.count("data-current") == 1
    current = row_of(laptop)
    assert f'data-session="{current.pk}"' in html.split("data-current")[0]


def test_ending_one_session_signs_out_exactly_that_device(user):
    laptop, phone, tablet = signed_in(user), signed_in(user), signed_in(user)
    phone_row = row_of(phone)

    response = laptop.post(f"/accounts/security/sessions/{phone_row.pk}/end/")

    assert response.status_code == 302
    assert not UserSession.objects.filter(pk=phone_row.pk).exists()
    assert not Session.objects.filter(session_key=phone_row.session_key).exists()
    assert not is_signed_in(phone)
    assert is_signed_in(laptop) and is_signed_in(tablet)
    assert UserSession.objects.filter(user=user).count() == 2


def test_sign_out_everywhere_else_keeps_the_current_device(user):
    laptop, phone, tablet = signed_in(user), signed_in(user), signed_in(user)
    bystander = signed_in(UserFactory())

    response = laptop.post("/accounts/security/sessions/others/end/", follow=True)

    assert "2 other sessions are signed out." in response.content.decode()
    assert is_signed_in(laptop) and is_signed_in(bystander)
    assert not is_signed_in(phone) and not is_signed_in(tablet)
    assert list(UserSession.objects.filter(user=user)) == [row_of(laptop)]


def test_another_users_session_is_not_found_and_survives(user):
    laptop = signed_in(user)
    theirs = signed_in(UserFactory())
    their_row = row_of(theirs)

    response = laptop.post(f"/accounts/security/sessions/{their_row.pk}/end/")

    assert response.status_code == 404
    assert is_signed_in(theirs)
    assert laptop.post("/accounts/security/sessions/999999/end/").status_code == 404


def test_ending_needs_post(user):
    laptop, phone = signed_in(user), signed_in(user)
    url = f"/accounts/security/sessions/{row_of(phone).pk}/end/"
    assert laptop.get(url).status_code == 405
    assert is_signed_in(phone)


@pytest.mark.parametrize(
    "url",
    [
        "/accounts/security/",
        SESSIONS,
        "/accounts/security/sessions/others/end/",
        "/accounts/security/sessions/1/end/",
    ],
)
def test_anonymous_is_sent_to_sign_in(client, url):
    response = client.post(url) if url.endswith("/end/") else client.get(url)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_allauths_sessions_address_leads_to_ours(user):
    laptop = signed_in(user)
    response = laptop.get("/accounts/sessions/")
    assert response.status_code == 302
    assert response.url == SESSIONS


def test_security_page_shows_factors_sessions_and_recent_sign_ins(user):
    laptop = signed_in(user)
    signed_in(user, agent=ANDROID, ip="198.51.100.23")
    Authenticator.objects.create(
        user=user, type=Authenticator.Type.WEBAUTHN, data={"name": "Laptop"}
    )
    Authenticator.objects.create(
        user=user,
        type=Authenticator.Type.RECOVERY_CODES,
        data={"seed": "00" * 20, "used_mask": 0b101},
    )

    html = laptop.get("/accounts/security/").content.decode()

    assert '<dd data-fact="totp"><span class="status">Off</span>' in html
    assert '<dd data-fact="passkeys">1</dd>' in html
    assert '<dd data-fact="recovery-codes">8</dd>' in html  # 10 made, 2 used
    assert "2 devices are signed in." in html
    assert html.count("data-sign-in=") == 2
    assert "198.51.100.x" in html and "198.51.100.23" not in html
    for link in ("/accounts/2fa/", SESSIONS, "/accounts/password/change/"):
        assert f'href="{link}"' in html


def test_recent_sign_ins_are_the_last_ten(user):
    laptop = signed_in(user)
    for _ in range(11):
        signed_in(user)
    html = laptop.get("/accounts/security/").content.decode()
    assert html.count("data-sign-in=") == 10
    assert "12 devices are signed in." in html


@pytest.mark.parametrize("page", ["/accounts/security/", SESSIONS])
def test_pages_read_a_constant_number_of_queries(user, page):
    laptop = signed_in(user)
    laptop.get(page)  # the first request warms per-process caches (site, settings)
    with CaptureQueriesContext(connection) as one:
        assert laptop.get(page).content.decode().count("data-s") >= 1
    for _ in range(4):
        signed_in(user)
    with CaptureQueriesContext(connection) as five:
        html = laptop.get(page).content.decode()
    assert html.count("data-session=") == 5 or html.count("data-sign-in=") == 5
    assert len(five.captured_queries) == len(one.captured_queries) <= 12


def test_masked_addresses_and_device_labels():
    assert masked_ip("203.0.113.57") == "203.0.113.x"
    assert masked_ip("2001:db8:85a3::8a2e:370:7334") == "2001:0db8:85a3:x"
    assert masked_ip("0.0.0.0") == "unknown"  # noqa: S104 - the placeholder
    assert masked_ip("not an address") == "unknown"
    assert device_label("") == "Unknown device"
    assert len(device_label(ANDROID * 3)) == 80


@pytest.mark.parametrize("kind", ["app", "browser"])
def test_headless_sessions_list_and_end(user, kind):
    phone = signed_in(user, agent=ANDROID)
    theirs = signed_in(UserFactory())
    api = Client(HTTP_USER_AGENT=MAC)
    login = api.post(
        f"/_allauth/{kind}/v1/auth/login",
        {"email": user.email, "password": PASSWORD},
        **JSON,
    )
    assert login.status_code == 200, login.content
    auth = (
        {"HTTP_X_SESSION_TOKEN": login.json()["meta"]["session_token"]}
        if kind == "app"
        else {}
    )
    url = f"/_allauth/{kind}/v1/auth/sessions"

    listed = api.get(url, **auth)
    assert listed.status_code == 200
    ids = {s["id"] for s in listed.json()["data"]}
    assert ids == set(
        UserSession.objects.filter(user=user).values_list("pk", flat=True)
    )
    assert row_of(theirs).pk not in ids

    refused = api.delete(url, {"sessions": [row_of(theirs).pk]}, **auth, **JSON)
    assert refused.status_code == 404
    assert refused.json()["errors"][0]["code"] == "not_found"
    assert is_signed_in(theirs)

    mixed = [row_of(phone).pk, row_of(theirs).pk]
    assert api.delete(url, {"sessions": mixed}, **auth, **JSON).status_code == 404
    assert is_signed_in(phone)  # nothing ends when one id is not yours
    bad = api.delete(url, {"sessions": "x"}, **auth, **JSON)
    assert bad.status_code == 400

    ended = api.delete(url, {"sessions": [row_of(phone).pk]}, **auth, **JSON)
    assert ended.status_code == 200
    assert len(ended.json()["data"]) == 1
    assert not is_signed_in(phone)
