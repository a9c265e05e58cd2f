"""Codes and submissions: what is accepted, and that a refusal stores nothing
(no row, no file, the code still usable)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.storage import storages
from django.utils import timezone

from audit.models import AuditEntry
from core.crypto import decrypt_bytes
from core.exceptions import Conflict, PayloadTooLarge, ValidationFailed
from tests.verification.conftest import (
    PDF_BYTES,
    document,
    image_bytes,
    selfie,
    stored_files,
    upload,
)
from verification.models import VerificationChallenge, VerificationRequest
from verification.services import CODE_ALPHABET, challenge_issue, verification_submit

pytestmark = pytest.mark.django_db


def test_a_code_is_short_unambiguous_and_reused_until_it_expires(provider):
    first = challenge_issue(user=provider)
    assert len(first.code) == 6 and set(first.code) <= set(CODE_ALPHABET)
    assert not set(first.code) & set("0O1IL5S8B")
    assert challenge_issue(user=provider) == first  # showing the page again
    assert first.expires_at - first.issued_at == pytest.approx(
        dt.timedelta(minutes=30), abs=dt.timedelta(seconds=5)
    )
    VerificationChallenge.objects.filter(pk=first.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    second = challenge_issue(user=provider)
    assert second.pk != first.pk and second.code != first.code


def test_a_submission_stores_both_files_encrypted_under_random_names(
    provider, private_dir
):
    code = challenge_issue(user=provider).code
    passport = image_bytes("JPEG")
    request = verification_submit(
        user=provider,
        code=code.lower(),  # typed in lower case: still the code
        document=upload("my-passport.jpg", passport, "image/jpeg"),
        selfie=selfie(),
    )
    assert request.status == "pending" and request.code == code
    assert request.document_content_type == "image/jpeg"
    assert request.selfie_content_type == "image/png"
    files = stored_files(private_dir)
    assert len(files) == 2
    assert all("passport" not in f.name for f in files)
    on_disk = (private_dir / request.document.name).read_bytes()
    assert passport not in on_disk and decrypt_bytes(on_disk) == passport
    assert VerificationChallenge.objects.get(code=code).used_at is not None
    assert AuditEntry.objects.filter(action="verification.submitted").count() == 1


def test_a_pdf_document_is_accepted(provider):
    code = challenge_issue(user=provider).code
    request = verification_submit(
        user=provider,
        code=code,
        document=upload("id.pdf", PDF_BYTES, "application/pdf"),
        selfie=selfie(),
    )
    assert request.document_content_type == "application/pdf"


def _refused(provider, private_dir, error, **files):  # noqa: ANN001, ANN003, ANN202
    challenge = challenge_issue(user=provider)
    arguments = {"document": document(), "selfie": selfie()} | files
    with pytest.raises(error) as raised:
        verification_submit(user=provider, code=challenge.code, **arguments)
    assert not VerificationRequest.objects.filter(user=provider).exists()
    assert stored_files(private_dir) == []
    challenge.refresh_from_db()
    assert challenge.used_at is None  # the code is still good
    return raised.value


@pytest.mark.parametrize(
    ("field", "name", "data"),
    [
        ("document", "passport.jpg", b"just some text, not an image\n"),
        ("document", "setup.exe", b"MZ\x90\x00" + b"\x00" * 100),
        ("document", "passport.jpg", PDF_BYTES),  # a PDF named .jpg
        ("document", "passport.png", image_bytes("JPEG")),  # content is JPEG
        ("document", "passport.jpg", image_bytes("JPEG")[:200]),  # truncated
        ("document", "passport.pdf", b"%PDF-1.4 cut off here"),
        ("selfie", "selfie.pdf", PDF_BYTES),  # a selfie is an image
        ("selfie", "selfie.txt", b"hello"),
    ],
)
def test_a_wrong_or_broken_file_is_refused_and_nothing_is_stored(
    provider, private_dir, field, name, data
):
    error = _refused(
        provider, private_dir, ValidationFailed, **{field: upload(name, data)}
    )
    assert field in error.fields


def test_an_oversized_file_is_refused_with_413(provider, private_dir, settings):
    settings.VERIFICATION_MAX_UPLOAD_SIZE = 1000
    big = upload("passport.png", image_bytes("PNG", (400, 400)))
    assert big.size > 1000
    error = _refused(provider, private_dir, PayloadTooLarge, document=big)
    assert error.status_code == 413 and "document" in error.fields


def test_too_many_pixels_is_refused(provider, private_dir, settings):
    settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS = 100
    _refused(provider, private_dir, ValidationFailed, selfie=selfie())


def test_a_used_an_expired_or_someone_elses_code_is_refused(
    provider, submit, escort_user
):
    other_code = challenge_issue(user=escort_user).code
    with pytest.raises(ValidationFailed, match="not your current code"):
        verification_submit(
            user=provider, code=other_code, document=document(), selfie=selfie()
        )
    expired = challenge_issue(user=provider)
    VerificationChallenge.objects.filter(pk=expired.pk).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    with pytest.raises(ValidationFailed, match="expired"):
        verification_submit(
            user=provider, code=expired.code, document=document(), selfie=selfie()
        )
    used = submit(escort_user).code
    with pytest.raises(ValidationFailed, match="already used"):
        verification_submit(
            user=escort_user, code=used, document=document(), selfie=selfie()
        )
    assert not VerificationRequest.objects.filter(user=provider).exists()


def test_a_second_pending_request_is_refused_with_409(provider, pending, private_dir):
    before = stored_files(private_dir)
    challenge = challenge_issue(user=provider)
    with pytest.raises(Conflict, match="already waiting"):
        verification_submit(
            user=provider, code=challenge.code, document=document(), selfie=selfie()
        )
    assert VerificationRequest.objects.filter(user=provider).count() == 1
    assert stored_files(private_dir) == before


def test_files_written_are_deleted_when_the_transaction_fails(
    provider, private_dir, monkeypatch
):
    from verification import events

    def fail(**kwargs):  # noqa: ANN003, ANN202
        raise RuntimeError("database gone")

    monkeypatch.setattr(events, "verification_submitted_event", fail)
    challenge = challenge_issue(user=provider)
    with pytest.raises(RuntimeError):
        verification_submit(
            user=provider, code=challenge.code, document=document(), selfie=selfie()
        )
    assert stored_files(private_dir) == []
    assert not VerificationRequest.objects.exists()


def test_the_files_are_in_the_configured_private_store(pending):
    storage = storages["private"]
    assert storage.exists(pending.document.name)
    assert storage.exists(pending.selfie.name)
