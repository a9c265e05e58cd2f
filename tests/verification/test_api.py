"""/api/v1/me/verification: only the caller's own state, code and upload, in the
one error shape; clients and anonymous callers are refused."""

from __future__ import annotations

import pytest

from accounts.models import Role
from tests.factories import UserFactory
from tests.verification.conftest import (
    PDF_BYTES,
    document,
    image_bytes,
    selfie,
    stored_files,
    upload,
)
from verification.models import VerificationRequest
from verification.services import verification_decide

pytestmark = pytest.mark.django_db

STATE = "/api/v1/me/verification"
CHALLENGE = "/api/v1/me/verification/challenge"


def _error(response, status: int, code: str | None = None) -> dict:  # noqa: ANN001
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert set(error) == {"code", "message", "fields"}
    if code:
        assert error["code"] == code
    return error


def _post(api_client, code: str, **files):  # noqa: ANN001, ANN003, ANN202
    data = {"code": code, "document": document(), "selfie": selfie()} | files
    return api_client.post(STATE, data, format="multipart")


def test_the_whole_flow_over_the_api(api_client, provider, moderator, private_dir):
    api_client.force_authenticate(provider)
    assert api_client.get(STATE).json()["status"] == "none"
    code = api_client.post(CHALLENGE).json()["code"]
    assert api_client.post(CHALLENGE).json()["code"] == code  # reused
    response = _post(api_client, code)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "pending" and body["queue_position"] == 1
    assert body["may_submit"] is False
    assert len(stored_files(private_dir)) == 2
    verification_decide(
        request=VerificationRequest.objects.get(),
        actor=moderator,
        approve=False,
        reason="unreadable",
    )
    body = api_client.get(STATE).json()
    assert body["status"] == "refused" and body["reason"] == "unreadable"
    assert body["reason_label"] == "The document or selfie cannot be read"
    assert body["may_submit"] is True


def test_refusals_answer_4xx_in_the_error_shape_and_store_nothing(
    api_client, provider, private_dir, settings
):
    api_client.force_authenticate(provider)
    code = api_client.post(CHALLENGE).json()["code"]
    fake = upload("passport.jpg", b"plain text pretending\n", "image/jpeg")
    error = _error(_post(api_client, code, document=fake), 400, "validation_error")
    assert "document" in error["fields"]
    exe = upload("tool.exe", b"MZ" + b"\x00" * 64, "application/octet-stream")
    assert "document" in _error(_post(api_client, code, document=exe), 400)["fields"]
    pdf_selfie = upload("me.pdf", PDF_BYTES, "application/pdf")
    assert "selfie" in _error(_post(api_client, code, selfie=pdf_selfie), 400)["fields"]
    _error(_post(api_client, "ZZZZZZ"), 400, "validation_error")
    settings.VERIFICATION_MAX_UPLOAD_SIZE = 500
    big = upload("passport.png", image_bytes("PNG", (300, 300)))
    _error(_post(api_client, code, document=big), 413, "payload_too_large")
    missing = api_client.post(STATE, {"code": code}, format="multipart")
    assert set(_error(missing, 400)["fields"]) == {"document", "selfie"}
    assert not VerificationRequest.objects.exists()
    assert stored_files(private_dir) == []


def test_a_second_request_answers_409(api_client, provider, pending):
    api_client.force_authenticate(provider)
    code = api_client.post(CHALLENGE).json()["code"]
    _error(_post(api_client, code), 409, "conflict")
    assert VerificationRequest.objects.count() == 1


def test_a_reused_code_answers_400(api_client, provider, pending):
    api_client.force_authenticate(provider)
    error = _error(_post(api_client, pending.code), 400, "validation_error")
    assert "already used" in error["fields"]["code"][0]


def test_clients_and_anonymous_callers_are_refused(api_client, client_user):
    assert api_client.get(STATE).status_code in (401, 403)
    assert api_client.post(CHALLENGE).status_code in (401, 403)
    api_client.force_authenticate(client_user)
    _error(api_client.get(STATE), 403, "permission_denied")
    _error(api_client.post(CHALLENGE), 403)


def test_nobody_reaches_another_persons_request(api_client, pending, provider):
    """No path carries an id: an agency owner, or any other provider, sees only
    their own (empty) state, never the escort's request."""
    agency_owner = UserFactory(role=Role.AGENCY)
    api_client.force_authenticate(agency_owner)
    body = api_client.get(STATE).json()
    assert body["status"] == "none" and body["submitted_at"] is None
    assert api_client.get(f"{STATE}/{pending.pk}").status_code == 404


def test_the_schema_documents_the_endpoints_and_their_errors(api_client):
    schema = api_client.get("/api/schema/?format=json").json()
    post = schema["paths"]["/api/v1/me/verification"]["post"]
    assert {"400", "401", "403", "409", "413"} <= set(post["responses"])
    assert "multipart/form-data" in post["requestBody"]["content"]
    assert "/api/v1/me/verification/challenge" in schema["paths"]
