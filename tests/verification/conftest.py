"""Shared fixtures of the verification tests: people, specimen files, the
private store in a directory of each test's own, and a profile-photo hook."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from wagtail import hooks

from accounts.models import MODERATORS_GROUP, Role, User
from tests.factories import UserFactory
from verification.models import VerificationRequest
from verification.services import challenge_issue, verification_submit


@pytest.fixture(autouse=True)
def private_dir(settings, tmp_path: Path) -> Path:  # noqa: ANN001
    location = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "core.storages.PrivateFileSystemStorage",
            "OPTIONS": {"location": location},
        },
    }
    return location


def stored_files(location: Path) -> list[Path]:
    return [p for p in location.rglob("*") if p.is_file()] if location.exists() else []


def image_bytes(image_format: str = "PNG", size: tuple[int, int] = (40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 120, 90)).save(out, format=image_format)
    return out.getvalue()


PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def upload(
    name: str, data: bytes, content_type: str = "image/png"
) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def document() -> SimpleUploadedFile:
    return upload("passport.jpg", image_bytes("JPEG"), "image/jpeg")


def selfie() -> SimpleUploadedFile:
    return upload("selfie.png", image_bytes("PNG"))


@pytest.fixture
def provider(db) -> User:  # noqa: ANN001
    return UserFactory(role=Role.ESCORT, display_name="Nora Specimen")


@pytest.fixture
def moderator(db) -> User:  # noqa: ANN001
    user = UserFactory(role=Role.STAFF)
    user.groups.add(Group.objects.get(name=MODERATORS_GROUP))
    return user


@pytest.fixture
def submit() -> Callable[[User], VerificationRequest]:
    def submit(user: User) -> VerificationRequest:
        code = challenge_issue(user=user).code
        return verification_submit(
            user=user, code=code, document=document(), selfie=selfie()
        )

    return submit


@pytest.fixture
def pending(provider, submit) -> VerificationRequest:  # noqa: ANN001
    return submit(provider)


PHOTOS = [
    {
        "image_id": 501,
        "file_hash": "a" * 40,
        "thumbnail_url": "/t/501.jpg",
        "caption": "Photo 1",
    },
    {
        "image_id": 502,
        "file_hash": "b" * 40,
        "thumbnail_url": "/t/502.jpg",
        "caption": "Photo 2",
    },
]


@pytest.fixture
def photo_hook(provider) -> Iterator[list[dict]]:  # noqa: ANN001
    """Registers a ``verification_profile_photos`` hook as directory will:
    the two PHOTOS for ``provider``, nothing for anyone else."""

    def photos_for(*, user: User) -> list[dict]:
        return list(PHOTOS) if user.pk == provider.pk else []

    with hooks.register_temporarily("verification_profile_photos", photos_for):
        yield PHOTOS
