"""The provider's page /dashboard/verification/: state, the code, the upload
form; works as a plain form post (no JavaScript), refusals store nothing."""

from __future__ import annotations

import pytest

from tests.verification.conftest import document, selfie, stored_files, upload
from verification.models import VerificationChallenge, VerificationRequest
from verification.services import verification_decide

pytestmark = pytest.mark.django_db

PAGE = "/dashboard/verification/"


def test_the_page_shows_the_code_and_a_form_that_works_without_js(
    client, provider, private_dir
):
    client.force_login(provider)
    page = client.get(PAGE)
    assert page.status_code == 200
    html = page.content.decode()
    code = VerificationChallenge.objects.get(user=provider).code
    assert 'class="verification__code"' in html and code in html
    assert 'enctype="multipart/form-data"' in html and "csrfmiddlewaretoken" in html
    assert 'capture="user"' in html and "<script" not in html.split("<main")[-1]
    assert client.get(PAGE).content.decode().count(code) >= 1  # the same code
    response = client.post(
        PAGE, {"code": code, "document": document(), "selfie": selfie()}
    )
    assert response.status_code == 302 and response["Location"] == PAGE
    html = client.get(PAGE).content.decode()
    assert "Waiting for a moderator" in html and "number 1 in the queue" in html
    assert len(stored_files(private_dir)) == 2


def test_a_wrong_file_shows_the_error_and_stores_nothing(client, provider, private_dir):
    client.force_login(provider)
    client.get(PAGE)
    code = VerificationChallenge.objects.get(user=provider).code
    response = client.post(
        PAGE,
        {
            "code": code,
            "document": upload("passport.jpg", b"not an image at all"),
            "selfie": selfie(),
        },
    )
    assert response.status_code == 400
    assert "Nothing was saved" in response.content.decode()
    assert not VerificationRequest.objects.exists()
    assert stored_files(private_dir) == []
    blank = client.post(PAGE, {"code": code})
    assert (
        blank.status_code == 400 and "This field is required" in blank.content.decode()
    )


def test_a_refusal_shows_the_reason_and_a_new_code(
    client, pending, provider, moderator
):
    verification_decide(
        request=pending,
        actor=moderator,
        approve=False,
        reason="other",
        note="Hold the paper closer to the camera.",
    )
    client.force_login(provider)
    html = client.get(PAGE).content.decode()
    assert "Not approved" in html and "Hold the paper closer to the camera." in html
    assert "Try again" in html
    new_code = VerificationChallenge.objects.get(user=provider, used_at__isnull=True)
    assert new_code.code in html and new_code.code != pending.code


def test_clients_get_403_and_anonymous_visitors_sign_in(client, client_user):
    response = client.get(PAGE)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(client_user)
    assert client.get(PAGE).status_code == 403
