"""Photo-verified badges (directory.photo_badges): a photo counts while its
PhotoVerification matches the image id, the owner and the image's current file
hash; every reader follows; the moderators' queue hook; the VIP action."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail import hooks

from audit.models import AuditEntry
from directory.models import EscortProfilePage
from directory.selectors import profile_list
from directory.services import (
    PhotoInput,
    ProfileEdit,
    profile_save_and_submit,
    profile_set_moderation_flags,
)
from search.models import ProfileSearchDocument
from tests.factories import UserFactory
from tests.factories.pages import (
    CustomImageFactory,
    add_photo,
    jpeg_bytes,
    make_profile,
    verify_photo,
)
from tests.factories.subscriptions import give_plan
from tests.mfa import login_with_mfa, totp_for
from verification.models import PhotoVerification

pytestmark = pytest.mark.django_db

NOV_12 = dt.datetime(2026, 11, 12, 9, 30, tzinfo=dt.UTC)
V2_LIST = (
    "/api/v2/pages/?type=directory.EscortProfilePage"
    "&fields=is_verified,photos_verified_at"
)
MAR_3 = dt.datetime(2026, 3, 3, 9, 30, tzinfo=dt.UTC)


def fresh(profile: EscortProfilePage) -> EscortProfilePage:
    return EscortProfilePage.objects.with_photo_badges().get(pk=profile.pk)


def replace_file(image) -> None:  # noqa: ANN001
    """What an edit in the image library does: a new file, so a new hash."""
    image.file = ContentFile(jpeg_bytes((300, 200), "#123456"), name="new.jpg")
    image.save()


# --- the rule --------------------------------------------------------------------


def test_a_verified_photo_badges_the_profile(profile):
    photo = add_photo(profile)
    assert fresh(profile).photos_verified_at is None
    assert not EscortProfilePage.objects.get(pk=profile.pk).is_verified

    verify_photo(photo, at=NOV_12)

    assert fresh(profile).photos_verified_at == NOV_12
    # The same answer without the annotation (one query, from the photos).
    assert EscortProfilePage.objects.get(pk=profile.pk).photos_verified_at == NOV_12
    assert EscortProfilePage.objects.get(pk=profile.pk).is_verified


def test_the_badge_lapses_when_the_image_file_is_replaced(profile):
    photo = add_photo(profile)
    verify_photo(photo)
    old_hash = photo.image.file_hash

    replace_file(photo.image)

    assert photo.image.file_hash != old_hash
    assert fresh(profile).photos_verified_at is None
    assert not EscortProfilePage.objects.get(pk=profile.pk).is_verified
    assert PhotoVerification.objects.filter(image_id=photo.image_id).exists()


def test_the_badge_lapses_when_the_photo_leaves_the_profile(profile):
    verify_photo(add_photo(profile))
    draft = EscortProfilePage.objects.get(pk=profile.pk)
    assert draft.is_verified

    draft.photos = []
    draft.save_revision().publish()

    assert fresh(profile).photos_verified_at is None


def test_a_verification_for_someone_else_does_not_count(profile):
    photo = add_photo(profile)
    PhotoVerification.objects.create(
        user=UserFactory(), image_id=photo.image_id, file_hash=photo.image.file_hash
    )
    assert fresh(profile).photos_verified_at is None


def test_the_date_is_the_latest_verification_still_valid(profile):
    older, newer = add_photo(profile), add_photo(profile)
    verify_photo(older, at=MAR_3)
    verify_photo(newer, at=NOV_12)
    assert fresh(profile).photos_verified_at == NOV_12

    replace_file(newer.image)

    assert fresh(profile).photos_verified_at == MAR_3


def test_the_verified_filter_of_listings_follows_the_photos(profile, city):
    other = make_profile("Other", city=city)
    photo = add_photo(profile)
    verify_photo(photo)

    assert set(profile_list(verified=True)) == {profile}
    assert set(profile_list(verified=False)) == {other}

    replace_file(photo.image)
    assert set(profile_list(verified=True)) == set()


# --- what people see ---------------------------------------------------------------


def test_profile_page_shows_the_date_and_checks_each_verified_photo(client, profile):
    verify_photo(add_photo(profile, caption="Verified one"), at=NOV_12)
    add_photo(profile, caption="Not verified")

    html = client.get(profile.url).content.decode()

    assert re.search(
        r'data-photos-verified>Photos verified <time datetime="2026-11-12">'
        r"12 Nov 2026</time>",
        html,
    )
    assert html.count("data-photo-verified ") == 1


def test_profile_page_without_a_valid_verification_has_no_badge(client, profile):
    photo = add_photo(profile)
    verify_photo(photo)
    replace_file(photo.image)

    html = client.get(profile.url).content.decode()

    assert "Photos verified" not in html and "data-photo-verified" not in html


def test_cards_say_photos_verified(client, profile):
    verify_photo(add_photo(profile))
    html = client.get("/escorts/").content.decode()
    assert 'class="badge badge--verified">Photos verified<' in html


def test_api_v1_gives_the_badge_and_its_date(api_client, profile):
    verify_photo(add_photo(profile), at=NOV_12)

    item = api_client.get(f"/api/v1/escorts/{profile.pk}").json()

    assert item["is_verified"] is True
    assert item["photos_verified_at"] == "2026-11-12T09:30:00Z"
    (listed,) = api_client.get("/api/v1/escorts").json()["results"]
    assert listed["photos_verified_at"] == "2026-11-12T09:30:00Z"


def test_api_v2_keeps_is_verified_and_adds_the_date(api_client, profile):
    verify_photo(add_photo(profile), at=NOV_12)

    body = api_client.get(f"/api/v2/pages/{profile.pk}/").json()

    assert body["is_verified"] is True
    assert body["photos_verified_at"].startswith("2026-11-12T09:30:00")


def test_listings_cost_the_same_queries_however_many_are_verified(api_client, city):
    def queries(verified: int) -> int:
        for n in range(verified):
            page = make_profile(f"Extra {verified}-{n}", city=city)
            verify_photo(add_photo(page))
        urls = ("/api/v1/escorts", V2_LIST)
        for url in urls:  # the first request makes the new photos' renditions
            api_client.get(url)
        with CaptureQueriesContext(connection) as captured:
            for url in urls:
                assert api_client.get(url).status_code == 200
        return len(captured)

    assert queries(1) == queries(3)


# --- search ------------------------------------------------------------------------


def test_search_follows_photo_verification(
    api_client, profile, django_capture_on_commit_callbacks
):
    from verification.signals import photos_verified

    photo = add_photo(profile)
    with django_capture_on_commit_callbacks(execute=True):
        profile.save_revision().publish()
    assert ProfileSearchDocument.objects.get(profile=profile).is_verified is False

    with django_capture_on_commit_callbacks(execute=True):
        verify_photo(photo)
        photos_verified.send(sender=PhotoVerification, user=profile.owner)

    assert ProfileSearchDocument.objects.get(profile=profile).is_verified is True
    found = api_client.get("/api/v1/search", {"verified": "true"}).json()["results"]
    assert [row["id"] for row in found] == [profile.pk]

    with django_capture_on_commit_callbacks(execute=True):
        replace_file(photo.image)

    assert ProfileSearchDocument.objects.get(profile=profile).is_verified is False
    assert (
        api_client.get("/api/v1/search", {"verified": "true"}).json()["results"] == []
    )


# --- the moderators' queue hook ------------------------------------------------------


def test_verification_hook_gives_the_draft_photos_of_ones_own_profiles(city):
    provider = UserFactory(role="escort")
    totp_for(provider)
    first, second = (CustomImageFactory(uploaded_by_user=provider) for _ in range(2))
    edit = ProfileEdit(
        display_name="Nina",
        age=30,
        home_city_id=city.pk,
        photos=[
            PhotoInput(image_id=first.pk, caption="By the sea"),
            PhotoInput(image_id=second.pk, is_primary=True),
        ],
    )
    profile_save_and_submit(actor=provider, edit=edit)  # a draft, not live
    someone_else = make_profile("Other", city=city)
    add_photo(someone_else)

    (hook,) = hooks.get_hooks("verification_profile_photos")
    photos = hook(user=provider)

    assert [p["image_id"] for p in photos] == [first.pk, second.pk]
    assert photos[0]["file_hash"] == first.file_hash and first.file_hash
    assert photos[0]["caption"] == "By the sea" and photos[1]["caption"] == ""
    assert photos[0]["thumbnail_url"].endswith(".fill-400x500.format-webp.webp")
    assert hook(user=UserFactory(role="escort")) == []


# --- VIP: moderators only, audited ---------------------------------------------------


def test_moderator_sets_vip_from_the_admin_with_a_reason(client, profile, moderator):
    give_plan(profile.owner, "premium")  # a plan with the VIP badge
    login_with_mfa(client, moderator)
    url = f"/cms/directory/vip/{profile.pk}/"
    assert client.get(url).status_code == 200

    refused = client.post(url, {"is_vip": "on", "reason": ""})
    assert refused.status_code == 200
    assert not EscortProfilePage.objects.get(pk=profile.pk).is_vip

    response = client.post(url, {"is_vip": "on", "reason": "Outstanding reviews"})

    assert response.status_code == 302
    assert EscortProfilePage.objects.get(pk=profile.pk).is_vip
    entry = AuditEntry.objects.get(action="profile.badge_changed")
    assert entry.actor == moderator and entry.target_id == profile.pk
    assert entry.data == {"badge": "vip", "value": True}
    assert entry.reason == "Outstanding reviews"


def test_staff_who_are_not_moderators_cannot_set_vip(client, profile):
    editor = UserFactory(role="staff")
    editor.groups.add(Group.objects.get(name="Editors"))
    login_with_mfa(client, editor)

    response = client.post(
        f"/cms/directory/vip/{profile.pk}/", {"is_vip": "on", "reason": "Because"}
    )

    assert response.status_code in (302, 403)
    assert not EscortProfilePage.objects.get(pk=profile.pk).is_vip
    assert not AuditEntry.objects.filter(action="profile.badge_changed").exists()


def test_editor_panel_shows_both_badges_and_the_vip_link(client, profile, moderator):
    verify_photo(add_photo(profile), at=NOV_12)
    # The editor shows the latest revision: one made with the photo.
    EscortProfilePage.objects.get(pk=profile.pk).save_revision()
    login_with_mfa(client, moderator)

    html = client.get(f"/cms/pages/{profile.pk}/edit/").content.decode()

    assert "data-moderation-badges" in html
    assert "Yes, latest verification 12 Nov 2026" in html
    assert f'href="/cms/directory/vip/{profile.pk}/"' in html


def test_vip_change_reindexes_search(
    profile, moderator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        profile.save_revision().publish()
    assert ProfileSearchDocument.objects.get(profile=profile).is_vip is False
    give_plan(profile.owner, "premium")

    with django_capture_on_commit_callbacks(execute=True):
        profile_set_moderation_flags(
            profile=profile, actor=moderator, is_vip=True, reason="Featured"
        )

    assert ProfileSearchDocument.objects.get(profile=profile).is_vip is True


def test_an_unchanged_vip_writes_no_audit_entry(profile, moderator):
    profile_set_moderation_flags(profile=profile, actor=moderator, is_vip=False)
    assert not AuditEntry.objects.exists()
