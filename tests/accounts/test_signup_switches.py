"""The ``signup_<role>`` feature switches: a paused role is not offered on the
sign-up page, and the form and the headless API refuse it with "New <role>
accounts are paused" (400, nothing created); with every role paused the page
explains that joining is paused."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from accounts.models import User
from tests.accounts.test_signup_roles import api_signup, html_signup
from tests.factories.switches import switches_set

pytestmark = pytest.mark.django_db


def offered_roles(client: Client) -> list[str]:
    page = client.get("/accounts/signup/").content.decode()
    return re.findall(r'name="role" value="(\w+)"', page)


def test_a_paused_role_is_not_offered(client):
    switches_set(signup_provider=False)
    page = client.get("/accounts/signup/").content.decode()
    assert offered_roles(client) == ["client", "agency"]
    assert "New provider accounts are paused." in page


def test_the_first_open_role_is_chosen_when_clients_are_paused(client):
    switches_set(signup_client=False)
    page = client.get("/accounts/signup/").content.decode()
    assert offered_roles(client) == ["escort", "agency"]
    assert re.search(r'value="escort"[^>]*checked', page)


def test_the_form_refuses_a_paused_role(client):
    switches_set(signup_agency=False)
    response = html_signup(client, "agency@example.test", role="agency")
    assert response.status_code == 200  # the form again, with the reason
    assert "New agency accounts are paused." in response.content.decode()
    assert not User.objects.filter(email="agency@example.test").exists()


def test_the_form_still_takes_an_open_role(client):
    switches_set(signup_agency=False)
    response = html_signup(client, "client@example.test", role="client")
    assert response.status_code == 302
    assert User.objects.get(email="client@example.test").role == "client"


def test_the_api_refuses_a_paused_role(client):
    switches_set(signup_provider=False)
    response = api_signup(client, "nora@example.test", role="escort")
    assert response.status_code == 400, response.content
    errors = response.json()["errors"]
    assert {"param": "role", "message": "New provider accounts are paused."} in [
        {"param": error.get("param"), "message": error["message"]} for error in errors
    ]
    assert not User.objects.filter(email="nora@example.test").exists()


def test_every_role_paused_closes_sign_up(client):
    switches_set(signup_client=False, signup_provider=False, signup_agency=False)
    page = client.get("/accounts/signup/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Joining is paused" in html
    assert 'name="email"' not in html
    # allauth validates the input before it asks whether sign-up is open: the
    # role's own refusal answers first.
    response = api_signup(client, "late@example.test")
    assert response.status_code == 400
    assert "New client accounts are paused." in response.content.decode()
    assert not User.objects.filter(email="late@example.test").exists()


def test_switching_a_role_back_on_offers_it_again(client):
    switches_set(signup_provider=False)
    switches_set(signup_provider=True)
    assert offered_roles(client) == ["client", "escort", "agency"]
