"""A provider's photo is private until a moderator approves a revision using it:
no public URL for the original or any rendition; the uploader (dashboard) and
moderators (Wagtail admin) see it; after approval it is public media."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accounts.models import Role
from cms_pages.models import CustomImage
from tests.factories import UserFactory
from tests.factories.images import jpeg_with_gps
from tests.factories.pages import EscortOwnerFactory
from tests.mfa import login_with_mfa

pytestmark = pytest.mark.django_db

PENDING_SRC = re.compile(r'src="(/pending-media/[^"]+)"')


def signed_in(user) -> Client:  # noqa: ANN001
    client = Client()
    client.force_login(user)
    return client


def signed_in_to_admin(user) -> Client:  # noqa: ANN001
    client = Client()
    login_with_mfa(client, user)  # the admin needs a second factor
    return client


def upload_photo(api_client, user) -> tuple[CustomImage, str]:  # noqa: ANN001
    api_client.force_authenticate(user)
    response = api_client.post(
        "/api/v1/images",
        {"file": SimpleUploadedFile("clara_private.jpg", jpeg_with_gps())},
    )
    assert response.status_code == 201, response.content
    return CustomImage.objects.get(pk=response.json()["id"]), response.json()["url"]


def submit_with_photo(api_client, owner, city, image: CustomImage) -> None:  # noqa: ANN001
    api_client.force_authenticate(owner)
    payload = {
        "display_name": "Clara",
        "age": 29,
        "home_city": city.pk,
        "photos": [{"image": image.pk, "is_primary": True}],
    }
    response = api_client.put("/api/v1/me/profile", payload, format="json")
    assert response.status_code == 200, response.content


def approve(profile, moderator) -> None:  # noqa: ANN001
    task_state = profile.current_workflow_state.current_task_state
    task_state.task.specific.on_action(
        task_state, user=moderator, action_name="approve"
    )


def test_unapproved_upload_is_stored_privately_and_404s_for_the_public(
    api_client, owner
):
    image, rendition_url = upload_photo(api_client, owner)

    assert image.is_pending
    assert storages["private"].exists(image.file.name)
    assert not storages["default"].exists(image.file.name)
    rendition = image.renditions.get()
    assert storages["private"].exists(rendition.file.name)
    assert not (settings.MEDIA_ROOT / rendition.file.name).exists()
    urls = [rendition_url, image.file.url]
    for url in urls:
        assert url.startswith("/pending-media/")
        assert not url.startswith(settings.MEDIA_URL)
        assert Client().get(url).status_code == 404
        assert signed_in(EscortOwnerFactory()).get(url).status_code == 404


def test_owner_and_moderator_see_the_unapproved_photo(api_client, owner, moderator):
    image, rendition_url = upload_photo(api_client, owner)
    with image.renditions.get().file.open("rb") as stored:
        expected = stored.read()

    for viewer in (owner, moderator):
        response = signed_in(viewer).get(rendition_url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == expected
        assert response["Content-Type"] == "image/webp"
        assert response["Cache-Control"] == "private, no-store"


def test_dashboard_and_admin_preview_show_the_photo_in_review(
    api_client, owner, moderator, profile, city
):
    image, _ = upload_photo(api_client, owner)
    submit_with_photo(api_client, owner, city, image)

    dashboard = signed_in(owner).get("/dashboard/profile/").content.decode()
    thumbnail = PENDING_SRC.search(dashboard).group(1)
    assert signed_in(owner).get(thumbnail).status_code == 200
    assert Client().get(thumbnail).status_code == 404

    profile.refresh_from_db()
    revision = profile.get_latest_revision()
    preview = signed_in_to_admin(moderator).get(
        f"/cms/pages/{profile.pk}/revisions/{revision.pk}/view/"
    )
    assert preview.status_code == 200
    photo = PENDING_SRC.search(preview.content.decode()).group(1)
    assert signed_in(moderator).get(photo).status_code == 200
    assert Client().get(photo).status_code == 404
    # The live page does not show it.
    assert image.title not in Client().get(profile.url).content.decode()
    assert "/pending-media/" not in Client().get(profile.url).content.decode()


def test_approval_makes_the_photo_public_media(
    api_client, owner, moderator, profile, city, django_capture_on_commit_callbacks
):
    image, pending_url = upload_photo(api_client, owner)
    pending_name = image.file.name
    pending_renditions = [r.file.name for r in image.renditions.all()]
    submit_with_photo(api_client, owner, city, image)

    with django_capture_on_commit_callbacks(execute=True):
        approve(profile, moderator)

    image.refresh_from_db()
    assert not image.is_pending
    assert image.file.name == pending_name.removeprefix("pending/")
    assert storages["default"].exists(image.file.name)
    for name in (pending_name, *pending_renditions):
        assert not storages["private"].exists(name)
    assert signed_in(owner).get(pending_url).status_code == 404  # moved

    page = Client().get(profile.url).content.decode()
    assert "/pending-media/" not in page
    # Wagtail shortens the stem in rendition names; 20 random hex digits suffice.
    stem = image.file.name.rsplit("/", 1)[1][:20]
    public = re.findall(rf'{settings.MEDIA_URL}images/{stem}[^" ,]+', page)
    assert public
    for url in public:
        name = url.removeprefix(settings.MEDIA_URL)
        assert storages["default"].exists(name)


def test_staff_uploads_are_public_at_once(api_client):
    staff = UserFactory(role=Role.STAFF, is_staff=True)
    image, url = upload_photo(api_client, staff)
    assert not image.is_pending
    assert url.startswith(settings.MEDIA_URL)
    assert storages["default"].exists(image.file.name)
