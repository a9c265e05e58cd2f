"""Signup → verification link from the sent mail → login → /api/v1/me, through the
allauth headless API (app client) and through the server-rendered pages."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client

from accounts.models import Role, User

pytestmark = pytest.mark.django_db

EMAIL = "new.member@example.test"
PASSWORD = "a-long-and-unusual-passphrase"
# What sign-up asks beyond email and password (tests/accounts/test_signup_roles.py).
CONSENTS = {"role": "client", "age_18": True, "terms": True}
HTML_CONSENTS = {"role": "client", "age_18": "on", "terms": "on"}


def _verification_key_from_mail() -> str:
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [EMAIL]
    link = re.search(r"https?://\S+/accounts/confirm-email/(\S+?)/", message.body)
    assert link, message.body
    return link.group(1)


def test_headless_app_flow(client):
    headers = {"content_type": "application/json"}
    signup = client.post(
        "/_allauth/app/v1/auth/signup",
        {"email": EMAIL, "password": PASSWORD, **CONSENTS},
        **headers,
    )
    # 401 with a pending "verify_email" flow: signed up, not yet signed in.
    assert signup.status_code == 401, signup.content
    body = signup.json()
    pending = [f["id"] for f in body["data"]["flows"] if f.get("is_pending")]
    assert pending == ["verify_email"]
    token = body["meta"]["session_token"]
    assert User.objects.get(email=EMAIL).role == Role.CLIENT

    me = client.get("/api/v1/me", HTTP_X_SESSION_TOKEN=token)
    assert me.status_code == 401  # not signed in before verification

    key = _verification_key_from_mail()
    verify = client.post(
        "/_allauth/app/v1/auth/email/verify",
        {"key": key},
        HTTP_X_SESSION_TOKEN=token,
        **headers,
    )
    # Verified but not signed in (ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION is off):
    # allauth answers 401 with no pending flow left.
    assert verify.status_code == 401, verify.content
    assert not [f for f in verify.json()["data"]["flows"] if f.get("is_pending")]
    assert EmailAddress.objects.get(email=EMAIL).verified

    login = client.post(
        "/_allauth/app/v1/auth/login", {"email": EMAIL, "password": PASSWORD}, **headers
    )
    assert login.status_code == 200, login.content
    session_token = login.json()["meta"]["session_token"]

    me = client.get("/api/v1/me", HTTP_X_SESSION_TOKEN=session_token)
    assert me.status_code == 200
    assert me.json()["email"] == EMAIL


def test_headless_login_refused_before_verification(client):
    client.post(
        "/_allauth/app/v1/auth/signup",
        {"email": EMAIL, "password": PASSWORD, **CONSENTS},
        content_type="application/json",
    )
    login = client.post(
        "/_allauth/app/v1/auth/login",
        {"email": EMAIL, "password": PASSWORD},
        content_type="application/json",
    )
    assert login.status_code == 401
    flows = login.json()["data"]["flows"]
    assert any(f["id"] == "verify_email" and f.get("is_pending") for f in flows)
    token = login.json()["meta"].get("session_token", "none")
    assert client.get("/api/v1/me", HTTP_X_SESSION_TOKEN=token).status_code == 401


def _csrf(browser: Client, url: str) -> str:
    page = browser.get(url)
    assert page.status_code == 200
    match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.content)
    assert match, "form has no CSRF token"
    return match.group(1).decode()


def test_html_flow_with_csrf_enforced():
    browser = Client(enforce_csrf_checks=True)
    signup = browser.post(
        "/accounts/signup/",
        {
            "email": EMAIL,
            "password1": PASSWORD,
            "password2": PASSWORD,
            **HTML_CONSENTS,
            "csrfmiddlewaretoken": _csrf(browser, "/accounts/signup/"),
        },
    )
    assert signup.status_code == 302
    assert signup["Location"] == "/accounts/confirm-email/"

    key = _verification_key_from_mail()
    confirm_url = f"/accounts/confirm-email/{key}/"
    confirmed = browser.post(
        confirm_url, {"csrfmiddlewaretoken": _csrf(browser, confirm_url)}
    )
    assert confirmed.status_code == 302

    login = browser.post(
        "/accounts/login/",
        {
            "login": EMAIL,
            "password": PASSWORD,
            "csrfmiddlewaretoken": _csrf(browser, "/accounts/login/"),
        },
    )
    assert login.status_code == 302
    me = browser.get("/api/v1/me")
    assert me.status_code == 200
    assert me.json()["email"] == EMAIL


def test_form_post_without_csrf_token_is_refused():
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(
        "/accounts/signup/",
        {"email": EMAIL, "password1": PASSWORD, "password2": PASSWORD, **HTML_CONSENTS},
    )
    assert response.status_code == 403
    assert not User.objects.filter(email=EMAIL).exists()


def test_allauth_pages_use_the_site_base_template(client):
    page = client.get("/accounts/login/")
    assert page.status_code == 200
    assert b'class="site-header"' in page.content
    assert b'class="site-footer"' in page.content


def test_signup_rate_limit_is_on(client):
    statuses = []
    for n in range(22):
        response = client.post(
            "/_allauth/app/v1/auth/signup",
            {"email": f"flood{n}@example.test", "password": PASSWORD, **CONSENTS},
            content_type="application/json",
        )
        statuses.append(response.status_code)
    assert statuses[-1] == 429
    assert User.objects.filter(email__startswith="flood").count() == 20


def test_passwords_are_hashed_with_argon2_outside_tests():
    from config.settings import base

    assert base.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
