"""Uploaded originals are stored without metadata; bad uploads answer 4xx."""

from __future__ import annotations

import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from PIL import ExifTags, Image, ImageFile
from rest_framework.throttling import ScopedRateThrottle
from wagtail.models import Collection

from accounts.models import Role
from cms_pages.models import CustomImage
from tests.assertions import assert_error_shape
from tests.factories import UserFactory
from tests.factories.images import (
    COMMENT_MARKER,
    jpeg_with_comment,
    jpeg_with_gps,
    png_bomb,
    png_sized,
)

pytestmark = pytest.mark.django_db


def upload(api_client, data: bytes, name: str = "photo.jpg"):  # noqa: ANN001, ANN201
    file = SimpleUploadedFile(name, data, content_type="image/jpeg")
    return api_client.post("/api/v1/images", {"file": file, "title": "Portrait"})


def test_fixture_really_has_gps_and_xmp():
    data = jpeg_with_gps()
    with Image.open(io.BytesIO(data)) as source:
        assert source.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert b"xmpmeta" in data


def test_uploaded_jpeg_is_stored_without_gps_exif_or_xmp(api_client, escort_user):
    api_client.force_authenticate(escort_user)
    response = upload(api_client, jpeg_with_gps())
    assert response.status_code == 201, response.content
    image = CustomImage.objects.get(pk=response.json()["id"])
    stored = image.file.read()
    with Image.open(io.BytesIO(stored)) as clean:
        assert dict(clean.getexif()) == {}
        assert clean.format == "JPEG"
        # Orientation 6 was applied to the pixels: 64x48 became 48x64.
        assert clean.size == (48, 64)
    assert b"xmpmeta" not in stored
    assert b"TestCam" not in stored
    assert image.uploaded_by_user == escort_user
    assert image.file_size == len(stored)
    assert (image.width, image.height) == (48, 64)
    assert response.json()["url"].endswith(".webp")


def test_admin_style_save_strips_metadata_too(escort_user):
    image = CustomImage(title="direct", uploaded_by_user=escort_user)
    image.file = SimpleUploadedFile("direct.jpg", jpeg_with_gps())
    image.save()
    with Image.open(image.file.path) as clean:
        assert dict(clean.getexif()) == {}


def test_png_text_chunks_are_removed(api_client, escort_user):
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Location", "52.52N 13.40E")
    out = io.BytesIO()
    Image.new("RGB", (20, 20), "white").save(out, format="PNG", pnginfo=info)
    api_client.force_authenticate(escort_user)
    response = upload(api_client, out.getvalue(), name="card.png")
    assert response.status_code == 201
    stored = CustomImage.objects.get(pk=response.json()["id"]).file.read()
    assert b"52.52N" not in stored


def test_client_role_cannot_upload(api_client, client_user):
    api_client.force_authenticate(client_user)
    assert_error_shape(upload(api_client, jpeg_with_gps()), 403, "permission_denied")
    assert CustomImage.objects.count() == 0


def test_anonymous_cannot_upload(api_client):
    assert_error_shape(upload(api_client, jpeg_with_gps()), 401)


BAD_UPLOADS = {
    "not an image": (b"%PDF-1.4 definitely not a picture", "doc.jpg"),
    "text renamed": (b"hello world" * 100, "hello.png"),
    "truncated jpeg": (jpeg_with_gps((400, 300))[:-600], "cut.jpg"),
    "extension lies": (jpeg_with_gps(), "photo.png"),
    "empty file": (b"", "empty.jpg"),
    "gif not accepted": (b"GIF89a" + b"\x00" * 40, "anim.gif"),
}


@pytest.mark.parametrize("case", BAD_UPLOADS, ids=list(BAD_UPLOADS))
def test_bad_uploads_are_400_and_store_nothing(api_client, escort_user, case):
    data, name = BAD_UPLOADS[case]
    api_client.force_authenticate(escort_user)
    error = assert_error_shape(upload(api_client, data, name), 400, "validation_error")
    assert "file" in error["fields"]
    assert CustomImage.objects.count() == 0


def test_decompression_bomb_is_refused_before_decoding(api_client, escort_user):
    data = png_bomb()
    assert len(data) < 50_000
    api_client.force_authenticate(escort_user)
    error = assert_error_shape(upload(api_client, data, "bomb.png"), 400)
    assert "too many pixels" in " ".join(error["fields"]["file"])
    assert CustomImage.objects.count() == 0


def test_file_over_the_configured_size_is_400(api_client, escort_user):
    data = jpeg_with_gps((300, 300))
    api_client.force_authenticate(escort_user)
    with override_settings(WAGTAILIMAGES_MAX_UPLOAD_SIZE=len(data) - 1):
        error = assert_error_shape(upload(api_client, data), 400)
    assert "too big" in " ".join(error["fields"]["file"])


def test_body_far_over_the_limit_is_413_before_reading(api_client, escort_user):
    api_client.force_authenticate(escort_user)
    with override_settings(MAX_UPLOAD_SIZE=10_000):
        response = upload(api_client, b"\xff" * 200_000)
    assert_error_shape(response, 413, "payload_too_large")


def test_uploads_are_throttled(api_client, escort_user, monkeypatch):
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"uploads": "2/hour"})
    api_client.force_authenticate(escort_user)
    assert [upload(api_client, jpeg_with_gps()).status_code for _ in range(2)] == [
        201,
        201,
    ]
    response = upload(api_client, jpeg_with_gps())
    assert_error_shape(response, 429, "throttled")
    assert "Retry-After" in response


# --- JPEG comments (COM) and other APP segments --------------------------------


def test_comment_fixture_really_carries_com_and_app13():
    data = jpeg_with_comment()
    with Image.open(io.BytesIO(data)) as source:
        assert [segment for segment, _ in source.applist] == ["APP0", "APP13", "COM"]
    assert data.count(COMMENT_MARKER) == 2


def test_jpeg_comment_is_gone_from_api_upload_and_its_renditions(
    api_client, escort_user
):
    api_client.force_authenticate(escort_user)
    response = upload(api_client, jpeg_with_comment())
    assert response.status_code == 201, response.content
    image = CustomImage.objects.get(pk=response.json()["id"])
    stored = image.file.read()
    assert COMMENT_MARKER not in stored
    with Image.open(io.BytesIO(stored)) as clean:
        assert "comment" not in clean.info
        assert [segment for segment, _ in clean.applist] == ["APP0"]
    for spec in ("max-1200x1200|format-webp", "fill-20x20|format-jpeg", "width-30"):
        with image.get_rendition(spec).file.open("rb") as rendition:
            assert COMMENT_MARKER not in rendition.read(), spec


def test_jpeg_comment_is_gone_after_a_wagtail_admin_upload(client, admin_login):
    admin_login(client, UserFactory(role=Role.STAFF, is_staff=True, is_superuser=True))
    response = client.post(
        reverse("wagtailimages:add"),
        {
            "title": "Editorial",
            "file": SimpleUploadedFile("editorial.jpg", jpeg_with_comment()),
            "collection": Collection.get_first_root_node().pk,
        },
    )
    assert response.status_code == 302, response.content[:500]
    image = CustomImage.objects.get(title="Editorial")
    assert COMMENT_MARKER not in image.file.read()
    with image.get_rendition("max-165x165").file.open("rb") as thumbnail:
        assert COMMENT_MARKER not in thumbnail.read()


# --- Pixel ceiling: refused from the header, never decoded ----------------------


@pytest.fixture
def decodes(monkeypatch) -> list[tuple[int, int]]:  # noqa: ANN001
    """Records every full decode Pillow starts (ImageFile.load), with its size."""
    calls: list[tuple[int, int]] = []
    original = ImageFile.ImageFile.load

    def load(self):  # noqa: ANN001, ANN202
        calls.append(self.size)
        return original(self)

    monkeypatch.setattr(ImageFile.ImageFile, "load", load)
    return calls


def test_pixel_ceiling_is_what_profiles_need():
    from django.conf import settings

    # Phones' default 24 MP (5712x4284) passes; 40 MP no longer does.
    assert 5712 * 4284 <= settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS < 30_000_000


def test_small_png_of_30_megapixels_is_refused_without_decoding(
    api_client, escort_user, decodes
):
    data = png_sized(6000, 5000)  # 30 MP in a few kB: accepted up to now
    assert len(data) < 50_000
    api_client.force_authenticate(escort_user)
    error = assert_error_shape(upload(api_client, data, "big.png"), 400)
    assert "too many pixels (30000000)" in " ".join(error["fields"]["file"])
    assert decodes == []
    assert CustomImage.objects.count() == 0


def test_model_save_refuses_too_many_pixels(escort_user):
    # Seed scripts and other saves without a form: refused before the re-encode.
    image = CustomImage(title="seeded", uploaded_by_user=escort_user)
    image.file = SimpleUploadedFile("big.png", png_sized(6000, 5000))
    with pytest.raises(ValidationError) as refused:
        image.save()
    assert refused.value.code == "file_too_many_pixels"
    assert CustomImage.objects.count() == 0


def test_a_photo_at_the_ceiling_is_still_accepted(api_client, escort_user):
    from django.conf import settings

    side = int(settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS**0.5)
    api_client.force_authenticate(escort_user)
    response = upload(api_client, png_sized(side, side), "big.png")
    assert response.status_code == 201, response.content


def test_wagtail_admin_upload_refuses_too_many_pixels_without_decoding(
    client, admin_login, decodes
):
    admin_login(client, UserFactory(role=Role.STAFF, is_staff=True, is_superuser=True))
    response = client.post(
        reverse("wagtailimages:add"),
        {
            "title": "Huge",
            "file": SimpleUploadedFile("huge.png", png_sized(6000, 5000)),
            "collection": Collection.get_first_root_node().pk,
        },
    )
    assert response.status_code == 200  # the form again, with the error
    assert "too many pixels (30000000)" in response.content.decode()
    assert decodes == []
    assert CustomImage.objects.count() == 0


# --- Random stored names -------------------------------------------------------

RANDOM_ORIGINAL = r"(pending/)?original_images/[0-9a-f]{32}\.jpg"


def test_stored_names_do_not_carry_the_uploaders_filename(api_client, escort_user):
    api_client.force_authenticate(escort_user)
    file = SimpleUploadedFile("Jane_Doe_Berlin.jpg", jpeg_with_gps())
    response = api_client.post("/api/v1/images", {"file": file})
    assert response.status_code == 201, response.content
    image = CustomImage.objects.get(pk=response.json()["id"])
    assert re.fullmatch(RANDOM_ORIGINAL, image.file.name), image.file.name
    rendition = image.get_rendition("fill-20x20")
    for public in (image.file.name, image.file.url, rendition.file.name):
        assert "Jane" not in public and "Doe" not in public, public
    assert "Jane" not in response.json()["url"]
    assert image.title == "Jane_Doe_Berlin.jpg"  # editors still see it


def test_admin_and_seed_uploads_get_random_names_too(client, admin_login, escort_user):
    seeded = CustomImage(title="seed", uploaded_by_user=escort_user)
    seeded.file = SimpleUploadedFile("Jane Doe.jpg", jpeg_with_gps())
    seeded.save()
    admin_login(client, UserFactory(role=Role.STAFF, is_staff=True, is_superuser=True))
    client.post(
        reverse("wagtailimages:add"),
        {
            "title": "Editorial",
            "file": SimpleUploadedFile("Jane Doe 2.jpg", jpeg_with_gps()),
            "collection": Collection.get_first_root_node().pk,
        },
    )
    admin = CustomImage.objects.get(title="Editorial")
    for image in (seeded, admin):
        assert re.fullmatch(r"original_images/[0-9a-f]{32}\.jpg", image.file.name)
        assert "Jane" not in image.get_rendition("max-165x165").url


def test_png_past_pillows_own_bomb_limit_is_refused_in_the_same_shape(
    api_client, escort_user, decodes
):
    api_client.force_authenticate(escort_user)
    data = png_sized(14_000, 14_000)  # 196 MP: Pillow itself refuses to open it
    error = assert_error_shape(upload(api_client, data, "bomb.png"), 400)
    assert "too many pixels (over " in " ".join(error["fields"]["file"])
    assert decodes == []
