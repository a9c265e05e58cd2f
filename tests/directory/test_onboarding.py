"""The provider onboarding checklist (directory.onboarding): each stage's states,
the page, the dashboard panel and GET /api/v1/me/onboarding."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Role
from core.exceptions import PermissionDenied
from directory.onboarding import onboarding_for
from directory.services import PhotoInput, ProfileEdit, profile_save_and_submit
from tests.assertions import assert_error_shape
from tests.factories import UserFactory
from tests.factories.pages import CustomImageFactory, add_photo, make_profile
from tests.mfa import totp_for
from verification.models import VerificationRequest

pytestmark = pytest.mark.django_db

KEYS = ["profile", "photos", "second_factor", "verification", "submit", "live"]


@pytest.fixture
def provider():
    """Signed up, nothing else: no second factor, not verified, no profile."""
    return UserFactory(role=Role.ESCORT)


def states(onboarding) -> dict[str, str]:  # noqa: ANN001
    assert [step.key for step in onboarding.steps] == KEYS
    return {step.key: step.state for step in onboarding.steps}


def submit(user, city, *, photos: int = 0):  # noqa: ANN001, ANN201
    """The provider's own first save (it creates and submits the profile)."""
    images = [CustomImageFactory(uploaded_by_user=user) for _ in range(photos)]
    edit = ProfileEdit(
        display_name="Nina",
        age=30,
        home_city_id=city.pk,
        photos=[PhotoInput(image_id=image.pk) for image in images],
    )
    return profile_save_and_submit(actor=user, edit=edit).content_object.specific


def decide(profile, moderator, action: str, comment: str = "") -> None:  # noqa: ANN001
    task_state = profile.current_workflow_state.current_task_state
    task_state.task.specific.on_action(
        task_state, user=moderator, action_name=action, comment=comment
    )


# --- states, stage by stage ------------------------------------------------------


def test_signed_up_provider_is_sent_to_the_second_factor_first(provider):
    onboarding = onboarding_for(user=provider)

    assert states(onboarding) == {
        "profile": "todo",  # needs the second factor first
        "photos": "todo",
        "second_factor": "current",
        "verification": "todo",
        "submit": "todo",
        "live": "todo",
    }
    assert onboarding.next_step.key == "second_factor"
    assert (
        onboarding.step("second_factor").url
        == "/accounts/2fa/totp/activate/?next=%2Fdashboard%2F"
    )
    assert onboarding.step("verification").url == "/dashboard/verification/"
    assert onboarding.step("profile").url == "/dashboard/profile/"
    assert onboarding.done_count == 0 and not onboarding.is_live


def test_with_a_second_factor_the_profile_comes_next(provider):
    totp_for(provider)

    onboarding = onboarding_for(user=provider)

    assert states(onboarding)["second_factor"] == "done"
    assert states(onboarding)["profile"] == "current"
    assert onboarding.next_step.key == "profile"


def test_draft_without_photos_asks_for_photos(provider, city):
    totp_for(provider)
    make_profile("Nina", city=city, owner=provider, live=False)

    onboarding = onboarding_for(user=provider)

    assert states(onboarding) == {
        "profile": "done",
        "photos": "current",
        "second_factor": "done",
        "verification": "todo",
        "submit": "todo",  # saved as a draft, never submitted
        "live": "todo",
    }
    assert onboarding.step("photos").url == "/dashboard/profile/#photos"


def test_one_photo_completes_the_step_and_three_are_recommended(provider, city):
    totp_for(provider)
    submit(provider, city, photos=1)

    onboarding = onboarding_for(user=provider)

    photos = onboarding.step("photos")
    assert photos.state == "done"
    assert "1 photo." in photos.detail and "at least 3" in photos.detail
    assert states(onboarding)["submit"] == "waiting"
    assert states(onboarding)["live"] == "waiting"
    assert onboarding.next_step.key == "verification"


def test_photos_count_in_the_latest_revision_not_the_live_page(provider, city):
    totp_for(provider)
    submit(provider, city, photos=3)  # a draft in review: no live photo rows

    photos = onboarding_for(user=provider).step("photos")

    assert photos.state == "done" and photos.detail == "3 photos."


def test_pending_verification_waits_with_its_queue_position(provider, city):
    VerificationRequest.objects.create(user=UserFactory(role=Role.ESCORT), code="A1")
    VerificationRequest.objects.create(user=provider, code="B2")

    step = onboarding_for(user=provider).step("verification")

    assert step.state == "waiting"
    assert step.queue_position == 2
    assert "number 2 in the queue" in step.detail


def test_refused_verification_shows_the_reason_and_comes_next(provider, city):
    totp_for(provider)
    submit(provider, city, photos=1)
    VerificationRequest.objects.create(
        user=provider,
        code="C3",
        status=VerificationRequest.Status.REFUSED,
        reason="expired",
        note="The passport expired in 2024.",
        decided_at=timezone.now(),
    )

    onboarding = onboarding_for(user=provider)

    step = onboarding.step("verification")
    assert step.state == "refused"
    assert "The document has expired" in step.detail
    assert step.comment == "The passport expired in 2024."
    assert onboarding.next_step.key == "verification"


def test_changes_requested_is_to_do_again_with_the_moderators_comment(
    provider, city, moderator
):
    totp_for(provider)
    profile = submit(provider, city, photos=1)
    decide(profile, moderator, "reject", comment="Please use a non-explicit photo.")

    step = onboarding_for(user=provider).step("submit")

    assert step.state == "todo"  # verification, earlier in the list, is current
    assert step.comment == "Please use a non-explicit photo."
    assert step.url == "/dashboard/profile/"


def test_approved_verification_is_done_with_its_date(provider):
    VerificationRequest.objects.create(
        user=provider,
        code="D4",
        status=VerificationRequest.Status.APPROVED,
        decided_at=timezone.now(),
    )

    step = onboarding_for(user=provider).step("verification")

    assert step.state == "done" and step.detail.startswith("Verified on ")


def with_photo(profile):  # noqa: ANN001, ANN201
    """A photo on the profile through a published revision, as approval does."""
    add_photo(profile)
    page = type(profile).objects.get(pk=profile.pk)
    page.save_revision().publish()
    return page


def test_a_live_profile_completes_the_checklist(owner, profile):
    totp_for(owner)
    profile = with_photo(profile)

    onboarding = onboarding_for(user=owner)

    assert set(states(onboarding).values()) == {"done"}
    assert onboarding.is_live and onboarding.next_step is None
    assert onboarding.step("live").url == profile.url


def test_only_providers_have_a_checklist(client_user):
    with pytest.raises(PermissionDenied):
        onboarding_for(user=client_user)
    with pytest.raises(PermissionDenied):
        onboarding_for(user=UserFactory(role=Role.AGENCY))


def test_the_checklist_costs_the_same_queries_whatever_the_photos(city):
    def queries_for(photos: int) -> int:
        user = UserFactory(role=Role.ESCORT)
        totp_for(user)
        submit(user, city, photos=photos)
        with CaptureQueriesContext(connection) as queries:
            onboarding_for(user=user)
        return len(queries)

    queries_for(1)  # warm: the restricted page paths are cached per process
    assert queries_for(1) == queries_for(5) <= 14  # 5: the Free plan's photo limit


# --- the page and the dashboard panel --------------------------------------------


def test_onboarding_page_shows_the_steps_and_what_comes_next(client, provider):
    client.force_login(provider)

    response = client.get("/dashboard/onboarding/")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-next-step="second_factor"' in html
    assert re.findall(r'data-step="(\w+)" data-state="(\w+)"', html) == [
        ("profile", "todo"),
        ("photos", "todo"),
        ("second_factor", "current"),
        ("verification", "todo"),
        ("submit", "todo"),
        ("live", "todo"),
    ]
    assert response["Cache-Control"] == "private, no-store"


def test_onboarding_page_is_for_providers_only(client, client_user):
    client.force_login(client_user)
    assert client.get("/dashboard/onboarding/").status_code == 403


def test_dashboard_leads_with_the_checklist_until_the_profile_is_live(
    client, provider, owner, profile
):
    client.force_login(provider)
    html = client.get("/dashboard/").content.decode()
    assert 'data-panel="onboarding"' in html
    assert html.index('data-panel="onboarding"') < html.index('data-panel="profiles"')

    client.force_login(owner)  # live profile: the checklist is done
    totp_for(owner)
    with_photo(profile)
    assert 'data-panel="onboarding"' not in client.get("/dashboard/").content.decode()


def test_client_dashboard_has_no_checklist(client, client_user):
    client.force_login(client_user)
    assert 'data-panel="onboarding"' not in client.get("/dashboard/").content.decode()


# --- API ---------------------------------------------------------------------------


def test_api_gives_the_provider_their_checklist(api_client, provider, city):
    totp_for(provider)
    submit(provider, city, photos=1)
    api_client.force_authenticate(provider)

    response = api_client.get("/api/v1/me/onboarding")

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"steps", "next_step", "done_count", "is_live"}
    assert body["next_step"] == "verification"
    assert body["done_count"] == 3 and body["is_live"] is False
    assert [s["key"] for s in body["steps"]] == KEYS
    step = body["steps"][1]
    assert set(step) == {
        "key",
        "title",
        "state",
        "url",
        "detail",
        "queue_position",
        "comment",
    }
    assert step["state"] == "done" and step["url"] == "/dashboard/profile/#photos"


def test_api_refuses_other_roles_and_anonymous(api_client, client_user):
    assert_error_shape(
        api_client.get("/api/v1/me/onboarding"), 401, "not_authenticated"
    )
    api_client.force_authenticate(client_user)
    assert_error_shape(
        api_client.get("/api/v1/me/onboarding"), 403, "permission_denied"
    )
    api_client.force_authenticate(UserFactory(role=Role.AGENCY))
    assert_error_shape(
        api_client.get("/api/v1/me/onboarding"), 403, "permission_denied"
    )


def test_api_schema_documents_401_and_403(api_client):
    schema = api_client.get("/api/schema/?format=json").json()
    responses = schema["paths"]["/api/v1/me/onboarding"]["get"]["responses"]
    assert {"200", "401", "403"} <= set(responses)
