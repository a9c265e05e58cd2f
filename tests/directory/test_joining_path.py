"""Issue 13's path, end to end through the real services and pages: a provider
who signed up goes live only after every step (a second factor, an approved
identity verification, an approved profile review), and with any step missing
the profile is on no public surface: its page, the listings, search, API v1,
Wagtail API v2 and the sitemap."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Role, User
from core.exceptions import SecondFactorRequired
from directory.models import EscortProfilePage
from directory.selectors import profile_card_list, profile_public_list
from directory.services import PhotoInput, ProfileEdit, profile_save_and_submit
from search.indexer import search_documents_refresh
from search.models import ProfileSearchDocument
from tests.factories import UserFactory
from tests.factories.pages import CustomImageFactory, jpeg_bytes, make_city
from tests.mfa import totp_for
from verification.services import (
    challenge_issue,
    verification_decide,
    verification_submit,
)

pytestmark = pytest.mark.django_db

STEPS = ("second_factor", "verification", "review")


@pytest.fixture(autouse=True)
def _private_store(settings, tmp_path) -> None:  # noqa: ANN001
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "core.storages.PrivateFileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }


@pytest.fixture
def city():  # noqa: ANN201
    return make_city("Vienna", slug="vienna-joining", time_zone="Europe/Vienna")


@pytest.fixture
def moderator() -> User:
    user = UserFactory(role=Role.STAFF)
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


def _edit(city, provider: User) -> ProfileEdit:  # noqa: ANN001
    image = CustomImageFactory(uploaded_by_user=provider)
    return ProfileEdit(
        display_name="Lena",
        age=27,
        home_city_id=city.pk,
        photos=[PhotoInput(image_id=image.pk, is_primary=True)],
    )


def _verify(provider: User, moderator: User) -> None:
    code = challenge_issue(user=provider).code
    verification_submit(
        user=provider,
        code=code,
        document=SimpleUploadedFile("id.jpg", jpeg_bytes(), "image/jpeg"),
        selfie=SimpleUploadedFile("selfie.jpg", jpeg_bytes(), "image/jpeg"),
    )
    request = provider.verification_requests.get()
    verification_decide(
        request=request,
        actor=moderator,
        approve=True,
        date_of_birth=dt.date(1998, 4, 2),
    )


def _approve_review(profile: EscortProfilePage, moderator: User) -> None:
    state = EscortProfilePage.objects.get(pk=profile.pk).current_workflow_state
    task_state = state.current_task_state
    task_state.task.specific.on_action(
        task_state, user=moderator, action_name="approve"
    )


def _public_surfaces(client, profile: EscortProfilePage) -> dict[str, bool]:  # noqa: ANN001
    profile = EscortProfilePage.objects.get(pk=profile.pk)
    search_documents_refresh(profile_ids=[profile.pk])
    v2 = client.get("/api/v2/pages/?type=directory.EscortProfilePage").json()
    return {
        "page": bool(profile.url) and client.get(profile.url).status_code == 200,
        "listing": profile_public_list().filter(pk=profile.pk).exists(),
        "cards": profile_card_list().filter(pk=profile.pk).exists(),
        "search": ProfileSearchDocument.objects.filter(profile_id=profile.pk).exists(),
        "api_v1": client.get(f"/api/v1/escorts/{profile.pk}").status_code == 200,
        "api_v2": profile.pk in {item["id"] for item in v2["items"]},
        "sitemap": f"/{profile.slug}/" in client.get("/sitemap.xml").content.decode(),
    }


def _walk(*, skip: str | None, provider, moderator, city) -> EscortProfilePage | None:  # noqa: ANN001
    """Every step in order, but ``skip``; returns the profile if one exists."""
    if skip != "second_factor":
        totp_for(provider)
    try:
        profile_save_and_submit(actor=provider, edit=_edit(city, provider))
    except SecondFactorRequired:
        return None
    profile = EscortProfilePage.objects.get(owner=provider)
    if skip != "verification":
        _verify(provider, moderator)
    if skip == "verification":
        # The review cannot approve an unverified owner's profile.
        with pytest.raises(DjangoPermissionDenied):
            _approve_review(profile, moderator)
    elif skip != "review":
        _approve_review(profile, moderator)
    return profile


@pytest.mark.parametrize("missing", STEPS)
def test_any_missing_step_keeps_the_profile_off_every_public_surface(
    client, city, moderator, missing
):
    provider = UserFactory(role=Role.ESCORT, email="lena@example.test")
    profile = _walk(skip=missing, provider=provider, moderator=moderator, city=city)
    if missing == "second_factor":
        assert profile is None  # nothing to submit without a second factor
        assert not EscortProfilePage.objects.filter(owner=provider).exists()
        return
    assert not EscortProfilePage.objects.get(pk=profile.pk).live
    surfaces = _public_surfaces(client, profile)
    assert not any(surfaces.values()), surfaces


def test_the_whole_path_makes_the_profile_live_everywhere(client, city, moderator):
    provider = UserFactory(role=Role.ESCORT, email="lena@example.test")
    profile = _walk(skip=None, provider=provider, moderator=moderator, city=city)
    provider.refresh_from_db()
    assert provider.is_age_verified
    assert EscortProfilePage.objects.get(pk=profile.pk).live
    surfaces = _public_surfaces(client, profile)
    assert all(surfaces.values()), surfaces
