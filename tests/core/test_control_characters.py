"""Control characters in any input answer 400 (the error shape on the API, the
400 page on HTML), never a 500 from PostgreSQL refusing a NUL byte."""

from __future__ import annotations

import pytest

from accounts.models import Role
from tests.assertions import assert_error_shape
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
SUGGEST = "/api/v1/search/suggest"


@pytest.mark.parametrize("q", ["a%00b", "ber%01", "x%1Fy", "line%0Abreak", "tab%09"])
def test_suggest_with_a_control_character_is_400(client, q):
    client.raise_request_exception = False
    error = assert_error_shape(client.get(f"{SUGGEST}?q={q}"), 400, "validation_error")
    assert error["fields"] == {"q": ["Control characters are not allowed."]}


def test_suggest_still_answers_plain_and_accented_text(client):
    assert client.get(f"{SUGGEST}?q=M%C3%BCnchen").status_code == 200


def test_a_parameter_name_with_a_control_character_is_400(client):
    client.raise_request_exception = False
    assert_error_shape(client.get(f"{SUGGEST}?q=ber&x%00=1"), 400, "validation_error")


def test_json_strings_with_control_characters_are_400_but_newlines_pass(
    api_client, client_user
):
    api_client.force_authenticate(client_user)
    bad = api_client.patch("/api/v1/me", {"display_name": "nul\x00"}, format="json")
    assert assert_error_shape(bad, 400, "validation_error")["fields"] == {
        "display_name": ["Control characters are not allowed."]
    }
    nested = api_client.patch(
        "/api/v1/me", {"x": [{"y": "esc\x1b"}], "display_name": "A"}, format="json"
    )
    assert "x.0.y" in assert_error_shape(nested, 400)["fields"]
    client_user.refresh_from_db()
    assert client_user.display_name != "nul\x00"
    # Multi-line text keeps tab, CR and LF (the view decides what a field takes).
    multi = api_client.patch(
        "/api/v1/me", {"display_name": "Ok", "note": "a\r\nb\tc"}, format="json"
    )
    assert multi.status_code == 200, multi.content[:300]


def test_html_form_values_and_query_strings_get_the_400_page(client):
    client.raise_request_exception = False
    response = client.post(
        "/accounts/login/", {"login": "a\x00@x.test", "password": "x"}
    )
    assert response.status_code == 400
    assert b"Control characters are not allowed." in response.content
    assert response["Content-Type"].startswith("text/html")
    assert client.get("/search/?q=a%00b").status_code == 400
    # A textarea's CR LF is text.
    ok = client.post("/accounts/login/", {"login": "a@x.test\r\n", "password": "x"})
    assert ok.status_code == 200


def test_a_malformed_password_reset_key_page_with_a_nul_is_400_not_500(client):
    client.raise_request_exception = False
    user = UserFactory(role=Role.CLIENT)
    response = client.get(f"/accounts/password/reset/key/{user.pk}-a%00b/")
    assert response.status_code == 400
