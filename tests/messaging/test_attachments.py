"""Images in messages: stored without metadata in the private store, served
only to the thread's participants, refused (with nothing saved) when they are
not acceptable images, and deleted from storage with the messages."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import storages
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import ExifTags, Image

from accounts.models import Role
from core.storages import PrivateFileSystemStorage
from messaging.apis.base import UploadsRateThrottle
from messaging.models import Message, MessageAttachment, Thread
from messaging.services import message_send, messages_purge_expired, thread_start
from tests.assertions import assert_error_shape
from tests.factories import UserFactory
from tests.factories.images import jpeg_with_gps, png_bomb, upload
from tests.factories.pages import EscortOwnerFactory, make_city, make_profile

pytestmark = pytest.mark.django_db

THREADS = "/api/v1/threads"


@pytest.fixture(autouse=True)
def private_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test gets its own private store, so "nothing was saved" and "the
    file is gone" can be read off the directory."""
    field = MessageAttachment._meta.get_field("file")
    monkeypatch.setattr(field, "storage", PrivateFileSystemStorage(location=tmp_path))
    return tmp_path


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


@pytest.fixture
def provider():
    return EscortOwnerFactory(display_name="Clara's owner")


@pytest.fixture
def client_user():
    return UserFactory(role=Role.CLIENT, display_name="Max")


@pytest.fixture
def thread(provider, client_user) -> Thread:
    profile = make_profile(
        "Clara", city=make_city("Berlin", slug="berlin-att"), owner=provider
    )
    thread, _ = thread_start(client=client_user, profile_id=profile.pk, body="Hello")
    return thread


def send_image(api_client, user, thread, data, name="photo.jpg", body=""):  # noqa: ANN001, ANN201
    api_client.force_authenticate(user)
    return api_client.post(
        f"{THREADS}/{thread.pk}/messages",
        {"body": body, "image": upload(data, name)},
        format="multipart",
    )


def attachment_url(thread: Thread, message_id: int) -> str:
    return f"{THREADS}/{thread.pk}/messages/{message_id}/attachment"


# --- Storing ---------------------------------------------------------------------


def test_a_jpeg_with_gps_is_stored_without_metadata_under_a_random_name(
    api_client, thread, client_user, private_dir
):
    response = send_image(api_client, client_user, thread, jpeg_with_gps())

    assert response.status_code == 201, response.content
    sent = response.json()
    assert sent["body"] == ""
    # The EXIF orientation was applied to the pixels: 64x48 became 48x64.
    assert sent["attachment"] == {
        "url": attachment_url(thread, sent["id"]),
        "content_type": "image/jpeg",
        "width": 48,
        "height": 64,
    }
    attachment = MessageAttachment.objects.get(message_id=sent["id"])
    [path] = stored_files(private_dir)
    stored = path.read_bytes()
    with Image.open(io.BytesIO(stored)) as clean:
        assert clean.format == "JPEG"
        assert dict(clean.getexif()) == {}
        assert not clean.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert b"xmpmeta" not in stored and b"TestCam" not in stored
    assert attachment.size == len(stored)
    # 24 random bytes, nothing about the upload, sender or thread.
    assert re.fullmatch(r"[A-Za-z0-9_-]{32}\.jpg", path.name), path.name
    assert attachment.file.name == f"message-attachments/{path.name}"


def test_text_and_image_together_and_the_list_shows_both(
    api_client, thread, client_user, provider
):
    send_image(api_client, client_user, thread, jpeg_with_gps(), body="At the bar")

    api_client.force_authenticate(provider)
    messages = api_client.get(f"{THREADS}/{thread.pk}/messages").json()

    assert [(m["body"], m["attachment"] is not None) for m in messages] == [
        ("Hello", False),
        ("At the bar", True),
    ]
    assert messages[0]["attachment"] is None
    assert messages[1]["mine"] is False


def test_the_private_store_is_configured_outside_public_media():
    storage = storages["private"]
    root = Path(settings.PRIVATE_MEDIA_ROOT).resolve()

    assert isinstance(storage, PrivateFileSystemStorage)
    assert Path(storage.location).resolve() == root
    assert not root.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    with pytest.raises(NotImplementedError):
        storage.url("message-attachments/x.jpg")


# --- Serving ---------------------------------------------------------------------


def test_both_participants_fetch_the_image_with_private_headers(
    api_client, thread, client_user, provider, private_dir
):
    message_id = send_image(api_client, client_user, thread, jpeg_with_gps()).json()[
        "id"
    ]
    [path] = stored_files(private_dir)

    for user in (client_user, provider):
        api_client.force_authenticate(user)
        # An <img> asks for images, which no JSON renderer offers: still 200.
        response = api_client.get(
            attachment_url(thread, message_id), HTTP_ACCEPT="image/webp,image/*"
        )
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == path.read_bytes()
        assert response["Content-Type"] == "image/jpeg"
        assert response["Cache-Control"].startswith("private")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Disposition"].startswith("inline")


def test_strangers_get_404_and_anonymous_401(api_client, thread, client_user):
    message_id = send_image(api_client, client_user, thread, jpeg_with_gps()).json()[
        "id"
    ]
    url = attachment_url(thread, message_id)

    for stranger in (UserFactory(role=Role.CLIENT), EscortOwnerFactory()):
        api_client.force_authenticate(stranger)
        assert_error_shape(api_client.get(url), 404, "not_found")
    api_client.force_authenticate(None)
    assert_error_shape(api_client.get(url), 401, "not_authenticated")


def test_a_message_of_another_thread_or_without_image_is_404(
    api_client, thread, client_user, provider
):
    other_client = UserFactory(role=Role.CLIENT)
    other, _ = thread_start(
        client=other_client, profile_id=thread.profile_id, body="Hi"
    )
    theirs = send_image(api_client, other_client, other, jpeg_with_gps()).json()["id"]
    text_only = thread.messages.get().pk

    # The provider is in both threads, but the URL names the wrong one.
    api_client.force_authenticate(provider)
    assert_error_shape(api_client.get(attachment_url(thread, theirs)), 404)
    assert api_client.get(attachment_url(other, theirs)).status_code == 200
    api_client.force_authenticate(client_user)
    assert_error_shape(api_client.get(attachment_url(thread, text_only)), 404)


# --- Refusing --------------------------------------------------------------------

BAD_IMAGES = {
    "not an image": (b"%PDF-1.4 definitely not a picture", "doc.jpg"),
    "text renamed": (b"hello world" * 100, "hello.png"),
    "truncated jpeg": (jpeg_with_gps((400, 300))[:-600], "cut.jpg"),
    "extension lies": (jpeg_with_gps(), "photo.png"),
    "gif not accepted": (b"GIF89a" + b"\x00" * 40, "anim.gif"),
    "decompression bomb": (png_bomb(), "bomb.png"),
}


@pytest.mark.parametrize("case", BAD_IMAGES, ids=list(BAD_IMAGES))
def test_bad_images_are_400_and_save_nothing(
    api_client, thread, client_user, private_dir, case
):
    data, name = BAD_IMAGES[case]

    response = send_image(api_client, client_user, thread, data, name, body="Look")

    error = assert_error_shape(response, 400, "validation_error")
    assert error["fields"]["image"]
    assert Message.objects.count() == 1  # only the thread's first message
    assert not MessageAttachment.objects.exists()
    assert stored_files(private_dir) == []


def test_a_bomb_is_refused_for_its_pixels(api_client, thread, client_user):
    response = send_image(api_client, client_user, thread, png_bomb(), "bomb.png")
    error = assert_error_shape(response, 400)
    assert "too many pixels" in " ".join(error["fields"]["image"])


def test_an_image_over_the_size_limit_is_400(
    api_client, thread, client_user, private_dir
):
    data = jpeg_with_gps((300, 300))
    with override_settings(WAGTAILIMAGES_MAX_UPLOAD_SIZE=len(data) - 1):
        response = send_image(api_client, client_user, thread, data)
    assert "too big" in " ".join(assert_error_shape(response, 400)["fields"]["image"])
    assert stored_files(private_dir) == []


def test_an_empty_file_or_neither_text_nor_image_is_400(
    api_client, thread, client_user
):
    empty = send_image(api_client, client_user, thread, b"", "empty.jpg")
    api_client.force_authenticate(client_user)
    nothing = api_client.post(
        f"{THREADS}/{thread.pk}/messages", {"body": "  "}, format="multipart"
    )

    assert "image" in assert_error_shape(empty, 400)["fields"]
    assert assert_error_shape(nothing, 400)["fields"]["body"] == ["Write a message."]
    assert Message.objects.count() == 1


def test_images_count_against_the_uploads_budget(
    api_client, thread, client_user, monkeypatch
):
    monkeypatch.setattr(UploadsRateThrottle, "THROTTLE_RATES", {"uploads": "2/hour"})
    statuses = [
        send_image(api_client, client_user, thread, jpeg_with_gps()).status_code
        for _ in range(3)
    ]
    text = api_client.post(
        f"{THREADS}/{thread.pk}/messages", {"body": "Still fine"}, format="json"
    )

    assert statuses == [201, 201, 429]
    assert text.status_code == 201
    assert MessageAttachment.objects.count() == 2


# --- Deleting --------------------------------------------------------------------


def test_wiping_the_thread_deletes_the_files(
    api_client,
    thread,
    client_user,
    provider,
    private_dir,
    django_capture_on_commit_callbacks,
):
    send_image(api_client, client_user, thread, jpeg_with_gps())
    send_image(api_client, provider, thread, jpeg_with_gps())
    assert len(stored_files(private_dir)) == 2

    api_client.force_authenticate(provider)
    with django_capture_on_commit_callbacks(execute=True):
        assert api_client.delete(f"{THREADS}/{thread.pk}").status_code == 204

    assert stored_files(private_dir) == []
    assert not MessageAttachment.objects.exists()


def test_the_retention_purge_deletes_old_files_only(
    api_client, thread, client_user, private_dir, django_capture_on_commit_callbacks
):
    old = send_image(api_client, client_user, thread, jpeg_with_gps()).json()["id"]
    send_image(api_client, client_user, thread, jpeg_with_gps())
    old_path = private_dir / MessageAttachment.objects.get(message_id=old).file.name
    Message.objects.filter(pk__lte=old).update(
        created_at=timezone.now() - dt.timedelta(days=91)
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert messages_purge_expired() == 2  # the first text and the old image

    assert not old_path.exists()
    assert len(stored_files(private_dir)) == 1
    assert MessageAttachment.objects.count() == 1


# --- Lists and pages ---------------------------------------------------------------


def test_the_message_list_runs_constant_queries_with_images(
    api_client, thread, client_user, django_assert_max_num_queries
):
    for _ in range(2):
        message_send(
            thread_id=thread.pk,
            sender=client_user,
            body="",
            image=upload(jpeg_with_gps()),
        )
    with django_assert_max_num_queries(10) as few:
        api_client.force_authenticate(client_user)
        assert len(api_client.get(f"{THREADS}/{thread.pk}/messages").json()) == 3
    baseline = len(few.captured_queries)
    for _ in range(6):
        message_send(
            thread_id=thread.pk,
            sender=client_user,
            body="",
            image=upload(jpeg_with_gps()),
        )
    with django_assert_max_num_queries(baseline):
        api_client.force_authenticate(client_user)
        messages = api_client.get(f"{THREADS}/{thread.pk}/messages").json()
    assert len(messages) == 9 and all(m["attachment"] for m in messages[1:])


def test_the_conversation_page_sends_and_shows_images(thread, client_user, provider):
    browser = Client()
    browser.force_login(client_user)
    page = f"/messages/{thread.pk}/"

    sent = browser.post(page, {"body": "", "image": upload(jpeg_with_gps())})
    refused = browser.post(page, {"body": "x", "image": upload(b"nope", "a.jpg")})

    assert sent.status_code == 302
    assert refused.status_code == 400
    assert "not an acceptable image" in refused.content.decode()
    message = Message.objects.get(attachment__isnull=False)
    viewer = Client()
    viewer.force_login(provider)
    html = viewer.get(page).content.decode()
    url = attachment_url(thread, message.pk)
    assert f'<img src="{url}" width="48" height="64"' in html
    assert 'enctype="multipart/form-data"' in html
    assert viewer.get(url).status_code == 200


def _page_queries(browser: Client, thread: Thread) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = browser.get(f"/messages/{thread.pk}/")
    assert all(row.image for row in response.context["rows"][1:])
    return len(queries)


def test_the_conversation_page_runs_constant_queries_with_images(
    thread, client_user, provider
):
    browser = Client()
    browser.force_login(provider)

    def add_images(count: int) -> None:
        for _ in range(count):
            image = upload(jpeg_with_gps())
            message_send(thread_id=thread.pk, sender=client_user, body="", image=image)

    add_images(2)
    _page_queries(browser, thread)  # the first visit moves the read position
    add_images(1)
    few = _page_queries(browser, thread)
    add_images(6)
    many = _page_queries(browser, thread)

    assert many == few
