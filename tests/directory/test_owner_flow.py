"""Owner edit -> revision in review -> moderator decision -> live content."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from wagtail.models import WorkflowState

from accounts.models import Role
from directory.models import Agency, AgencyMembership, EscortProfilePage
from tests.assertions import assert_error_shape
from tests.cms_pages.test_images import jpeg_with_gps
from tests.factories import UserFactory
from tests.factories.pages import (
    CustomImageFactory,
    EscortOwnerFactory,
    language,
    make_profile,
    service,
)
from tests.mfa import totp_for

pytestmark = pytest.mark.django_db


def live_profile(title: str, **fields):  # noqa: ANN003, ANN201
    profile = make_profile(title, live=False, **fields)
    profile.get_latest_revision().publish()
    profile.refresh_from_db()
    return profile


def edit_payload(city, **overrides) -> dict:
    payload = {
        "display_name": "Clara",
        "age": 29,
        "home_city": city.pk,
        "tagline": "New tagline",
        "bio": "<p>Fond of opera and long walks.</p>",
        "languages": [],
        "services": [],
        "rates": [
            {
                "duration_minutes": 60,
                "kind": "incall",
                "amount_minor": 30000,
                "currency": "EUR",
            }
        ],
        "tours": [],
        "photos": [],
    }
    payload.update(overrides)
    return payload


def submit(api_client, user, payload, path="/api/v1/me/profile"):  # noqa: ANN001, ANN201
    api_client.force_authenticate(user)
    return api_client.put(path, payload, format="json")


def decide(profile, moderator, action: str, comment: str = "") -> None:  # noqa: ANN001
    state = profile.current_workflow_state
    task_state = state.current_task_state
    task_state.task.specific.on_action(
        task_state, user=moderator, action_name=action, comment=comment
    )


def test_owner_edit_stays_draft_until_approved(
    api_client, profile, owner, moderator, city, django_capture_on_commit_callbacks
):
    response = submit(api_client, owner, edit_payload(city))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["tagline"] == "New tagline"
    assert body["review"]["status"] == "in_review"

    profile.refresh_from_db()
    assert profile.live and profile.tagline == "Original tagline"  # live untouched
    assert profile.has_unpublished_changes
    assert EscortProfilePage.objects.get(pk=profile.pk).rates.count() == 0

    with django_capture_on_commit_callbacks(execute=True):
        decide(profile, moderator, "approve")

    profile.refresh_from_db()
    assert profile.tagline == "New tagline"
    assert profile.rates.get().amount_minor == 30000
    assert not profile.has_unpublished_changes
    assert api_client.get("/api/v1/me/profile").json()["review"]["status"] == "live"
    to_owner = [m for m in mail.outbox if m.to == [owner.email]]
    assert len(to_owner) == 1  # ours only: Wagtail's admin notice is switched off
    assert "live" in to_owner[0].subject
    assert "/cms/" not in to_owner[0].body
    # Moderators hear about the submission from Wagtail.
    assert any(m.to == [moderator.email] for m in mail.outbox)


def test_request_changes_path_with_comment_and_email(
    api_client, profile, owner, moderator, city, django_capture_on_commit_callbacks
):
    submit(api_client, owner, edit_payload(city, tagline="Needs work"))
    with django_capture_on_commit_callbacks(execute=True):
        decide(profile, moderator, "reject", comment="Please add a rate for 2 hours.")

    review = api_client.get("/api/v1/me/profile").json()["review"]
    assert review["status"] == "changes_requested"
    assert review["comment"] == "Please add a rate for 2 hours."
    to_owner = [m for m in mail.outbox if m.to == [owner.email]]
    assert len(to_owner) == 1
    assert "needs changes" in to_owner[0].subject
    assert "Please add a rate for 2 hours." in to_owner[0].body
    profile.refresh_from_db()
    assert profile.tagline == "Original tagline"

    # Resubmitting resumes the same workflow.
    submit(api_client, owner, edit_payload(city, tagline="Fixed"))
    assert (
        api_client.get("/api/v1/me/profile").json()["review"]["status"] == "in_review"
    )
    assert WorkflowState.objects.filter(object_id=str(profile.pk)).count() == 1


def test_second_submit_while_pending_updates_the_review(
    api_client, profile, owner, moderator, city
):
    submit(api_client, owner, edit_payload(city, tagline="First"))
    submit(api_client, owner, edit_payload(city, tagline="Second"))
    states = WorkflowState.objects.filter(object_id=str(profile.pk))
    assert states.count() == 1
    state = states.get()
    profile.refresh_from_db()
    assert state.current_task_state.revision_id == profile.get_latest_revision().pk
    decide(profile, moderator, "approve")
    profile.refresh_from_db()
    assert profile.tagline == "Second"


def test_new_provider_creates_a_profile_that_is_not_live(api_client, city):
    provider = EscortOwnerFactory(second_factor=True)
    response = submit(api_client, provider, edit_payload(city, display_name="Nina"))
    assert response.status_code == 201, response.content
    page = EscortProfilePage.objects.get(owner=provider)
    assert not page.live
    assert response.json()["review"]["status"] == "in_review"


def test_new_provider_with_an_unknown_city_gets_400(api_client, city):
    provider = EscortOwnerFactory(second_factor=True)
    response = submit(api_client, provider, edit_payload(city, home_city=987654))
    assert (
        "home_city" in assert_error_shape(response, 400, "validation_error")["fields"]
    )
    assert not EscortProfilePage.objects.filter(owner=provider).exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_first_submissions_create_one_profile(city):
    """Two real connections race to create the same provider's first profile."""
    import threading

    from django.db import connection
    from rest_framework.test import APIClient

    provider = EscortOwnerFactory(second_factor=True)
    statuses: list[int] = []
    barrier = threading.Barrier(2)

    def first_submit() -> None:
        client = APIClient()
        client.force_authenticate(provider)
        barrier.wait()
        statuses.append(
            client.put(
                "/api/v1/me/profile", edit_payload(city), format="json"
            ).status_code
        )
        connection.close()

    threads = [threading.Thread(target=first_submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(statuses) == [201, 400]
    assert EscortProfilePage.objects.filter(owner=provider).count() == 1


def test_client_account_cannot_create_a_profile(api_client, client_user, city):
    response = submit(api_client, client_user, edit_payload(city))
    assert_error_shape(response, 403, "permission_denied")
    assert not EscortProfilePage.objects.filter(owner=client_user).exists()


def test_agency_manager_edits_their_escorts_and_no_one_else(api_client, city):
    agency = Agency.objects.create(name="Velvet", slug="velvet")
    manager = UserFactory(role=Role.AGENCY)
    AgencyMembership.objects.create(agency=agency, user=manager, role="manager")
    ours = live_profile("Ours", city=city, agency=agency)
    theirs = live_profile("Theirs", city=city)

    listed = {
        p["id"]
        for p in submit(api_client, manager, None, "/api/v1/me/profiles").wsgi_request
        and api_client.get("/api/v1/me/profiles").json()["results"]
    }
    assert listed == {ours.pk}
    # Agency staff submit only with a second factor on their own account.
    without = submit(
        api_client,
        manager,
        edit_payload(city, display_name="Ours"),
        f"/api/v1/me/profiles/{ours.pk}",
    )
    assert_error_shape(without, 403, "second_factor_required")
    assert ours.get_latest_revision().content["tagline"] != "New tagline"
    totp_for(manager)
    ok = submit(
        api_client,
        manager,
        edit_payload(city, display_name="Ours"),
        f"/api/v1/me/profiles/{ours.pk}",
    )
    assert ok.status_code == 200, ok.content
    assert ok.json()["tagline"] == "New tagline"
    refused = submit(
        api_client, manager, edit_payload(city), f"/api/v1/me/profiles/{theirs.pk}"
    )
    assert_error_shape(refused, 404, "not_found")
    assert_error_shape(api_client.get(f"/api/v1/me/profiles/{theirs.pk}"), 404)


def test_another_provider_gets_404_for_my_profile(api_client, profile, city):
    stranger = EscortOwnerFactory()
    response = submit(
        api_client, stranger, edit_payload(city), f"/api/v1/me/profiles/{profile.pk}"
    )
    assert_error_shape(response, 404, "not_found")


def test_bio_markup_is_sanitised(api_client, profile, owner, city):
    bio = (
        '<script>alert("x")</script><p onclick="steal()">Hello <b>there</b>'
        '<a href="javascript:alert(1)">link</a><img src=x onerror=alert(1)></p>'
    )
    body = submit(api_client, owner, edit_payload(city, bio=bio)).json()
    assert body["bio"] == "<p>Hello <b>there</b>link</p>"


def test_uploaded_photo_joins_the_revision_without_exif(
    api_client, profile, owner, city
):
    api_client.force_authenticate(owner)
    upload = api_client.post(
        "/api/v1/images",
        {"file": SimpleUploadedFile("me.jpg", jpeg_with_gps(), "image/jpeg")},
    )
    assert upload.status_code == 201, upload.content
    image_id = upload.json()["id"]
    body = submit(
        api_client,
        owner,
        edit_payload(
            city,
            photos=[{"image": image_id, "caption": "At the opera", "is_primary": True}],
        ),
    ).json()
    assert body["photos"] == [
        {"image": image_id, "caption": "At the opera", "is_primary": True}
    ]
    draft = EscortProfilePage.objects.get(pk=profile.pk).get_latest_revision_as_object()
    stored = draft.photos.all()[0].image
    with Image.open(stored.file.path) as clean:
        assert dict(clean.getexif()) == {}
    assert profile.photos.count() == 0  # not live until approved


def _base_for(city):  # noqa: ANN001, ANN202
    return edit_payload(city)


BAD_EDITS = {
    "age under 18": ({"age": 17}, "age"),
    "negative rate": (
        {
            "rates": [
                {
                    "duration_minutes": 60,
                    "kind": "incall",
                    "amount_minor": -100,
                    "currency": "EUR",
                }
            ]
        },
        "rates",
    ),
    "absurd rate": (
        {
            "rates": [
                {
                    "duration_minutes": 60,
                    "kind": "incall",
                    "amount_minor": 10**12,
                    "currency": "EUR",
                }
            ]
        },
        "rates",
    ),
    "unknown currency": (
        {
            "rates": [
                {
                    "duration_minutes": 60,
                    "kind": "incall",
                    "amount_minor": 100,
                    "currency": "XXX",
                }
            ]
        },
        "rates",
    ),
    "unknown service": ({"services": ["not-a-service"]}, "services"),
    "unknown language": ({"languages": ["zz"]}, "languages"),
    "unknown city": ({"home_city": 999999}, "home_city"),
    "control characters": ({"tagline": "hi\x00there"}, "tagline"),
    "too many photos": ({"photos": [{"image": 1}] * 13}, "photos"),
    "two primaries": ({"photos": "two-primaries"}, "photos"),
    "foreign image": ({"photos": "foreign"}, "photos"),
    "tour backwards": ({"tours": "backwards"}, "tours"),
    "empty name": ({"display_name": ""}, "display_name"),
    "not a list": ({"rates": "many"}, "rates"),
}


@pytest.mark.parametrize("case", BAD_EDITS, ids=list(BAD_EDITS))
def test_bad_edits_are_400_and_lose_nothing(api_client, profile, owner, city, case):
    overrides, field = BAD_EDITS[case]
    mine = CustomImageFactory(uploaded_by_user=owner)
    if overrides.get("photos") == "two-primaries":
        other = CustomImageFactory(uploaded_by_user=owner)
        overrides = {
            "photos": [
                {"image": mine.pk, "is_primary": True},
                {"image": other.pk, "is_primary": True},
            ]
        }
    elif overrides.get("photos") == "foreign":
        overrides = {"photos": [{"image": CustomImageFactory().pk}]}
    elif overrides.get("tours") == "backwards":
        overrides = {
            "tours": [
                {"city": city.pk, "starts_on": "2026-12-10", "ends_on": "2026-12-01"}
            ]
        }
    revisions_before = profile.revisions.count()
    response = submit(api_client, owner, {**edit_payload(city), **overrides})
    error = assert_error_shape(response, 400, "validation_error")
    assert field in error["fields"], error
    assert profile.revisions.count() == revisions_before
    profile.refresh_from_db()
    assert profile.tagline == "Original tagline"
    assert profile.current_workflow_state is None


def test_languages_and_services_are_saved_by_code_and_slug(
    api_client, profile, owner, city
):
    language("fr", "French")
    language("de", "German")
    service("Dinner date")
    body = submit(
        api_client,
        owner,
        edit_payload(city, languages=["fr", "de"], services=["dinner-date"]),
    ).json()
    assert sorted(body["languages"]) == ["de", "fr"]
    assert body["services"] == ["dinner-date"]
