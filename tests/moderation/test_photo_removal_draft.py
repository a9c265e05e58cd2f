"""A photo moderators removed does not come back with the owner's pending
draft: the draft loses it too, keeps its other changes and stays in review;
approving it publishes the changes without the photo."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient
from wagtail.models import WorkflowState

from directory.models import EscortProfilePage, ProfilePhoto
from moderation.decisions import appeal_decide, appeal_file, decision_take
from moderation.models import Statement
from moderation.services import report_create
from tests.factories.pages import EscortOwnerFactory, add_photo, make_city, make_profile
from tests.moderation.decision_world import client_account, moderator

pytestmark = pytest.mark.django_db


def _approve(profile: EscortProfilePage, mod) -> None:  # noqa: ANN001
    state = EscortProfilePage.objects.get(pk=profile.pk).current_workflow_state
    task_state = state.current_task_state
    task_state.task.specific.on_action(task_state, user=mod, action_name="approve")


def _removed_while_in_review() -> dict:
    """A live profile with two photos, the owner's edit (both photos and a new
    tagline) in review; then a moderator removes one photo."""
    city = make_city("Braga", slug="braga-photo")
    owner = EscortOwnerFactory(display_name="Clara")
    profile = make_profile("Clara", city=city, owner=owner)
    keep = add_photo(profile, caption="keep", is_primary=True)
    gone = add_photo(profile, caption="gone")
    profile.save_revision().publish()
    # The owner edits: a new tagline, both photos, in review.
    api = APIClient()
    api.force_authenticate(owner)
    response = api.put(
        "/api/v1/me/profile",
        {
            "display_name": "Clara",
            "age": 29,
            "home_city": city.pk,
            "tagline": "Opera nights and quiet dinners",
            "bio": "<p>Fond of opera.</p>",
            "languages": [],
            "services": [],
            "rates": [],
            "tours": [],
            "photos": [
                {"image": keep.image_id, "is_primary": True},
                {"image": gone.image_id, "is_primary": False},
            ],
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    mod = moderator()
    report, _ = report_create(
        reporter=client_account(),
        category="explicit",
        details="",
        target=gone,
        evidence={"photo_id": gone.pk},
        subject_user=owner,
    )
    decision = decision_take(
        actor=mod, report=report, action="remove_content", reason_code="explicit"
    )
    return {
        "profile": profile,
        "owner": owner,
        "keep": keep,
        "gone": gone,
        "mod": mod,
        "decision": decision,
    }


def test_a_removed_photo_stays_off_when_the_pending_draft_is_approved(
    django_capture_on_commit_callbacks,
):
    world = _removed_while_in_review()
    profile, keep, gone, mod = (world[k] for k in ("profile", "keep", "gone", "mod"))
    live = EscortProfilePage.objects.get(pk=profile.pk)
    assert list(live.photos.values_list("image_id", flat=True)) == [keep.image_id]
    # The owner's review goes on, now without the photo.
    state = live.current_workflow_state
    assert state is not None and state.status == WorkflowState.STATUS_IN_PROGRESS
    draft = state.current_task_state.revision.as_object()
    assert [p.image_id for p in draft.photos.all()] == [keep.image_id]
    assert draft.tagline == "Opera nights and quiet dinners"
    assert live.get_latest_revision().pk == state.current_task_state.revision_id

    with django_capture_on_commit_callbacks(execute=True):
        _approve(profile, mod)

    live = EscortProfilePage.objects.get(pk=profile.pk)
    assert live.tagline == "Opera nights and quiet dinners"
    assert list(
        ProfilePhoto.objects.filter(page=live).values_list("image_id", flat=True)
    ) == [keep.image_id]
    page = Client().get(live.url).content.decode()
    assert "Opera nights and quiet dinners" in page
    assert gone.image.file.name.rsplit("/", 1)[-1].rsplit(".", 1)[0] not in page


def test_a_reversed_removal_gives_the_photo_back_to_live_and_draft(
    django_capture_on_commit_callbacks,
):
    world = _removed_while_in_review()
    profile, keep, gone = world["profile"], world["keep"], world["gone"]
    appeal = appeal_file(
        user=world["owner"],
        statement=Statement.objects.get(decision=world["decision"]),
        text="That photo is a portrait in an evening dress.",
    )
    appeal_decide(
        actor=moderator("Second"),
        appeal=appeal,
        reverse=True,
        response="You are right; the photo is back.",
    )
    live = EscortProfilePage.objects.get(pk=profile.pk)
    both = sorted([keep.image_id, gone.image_id])
    assert sorted(live.photos.values_list("image_id", flat=True)) == both
    state = live.current_workflow_state
    assert state is not None and state.status == WorkflowState.STATUS_IN_PROGRESS
    draft = state.current_task_state.revision.as_object()
    assert sorted(p.image_id for p in draft.photos.all()) == both

    with django_capture_on_commit_callbacks(execute=True):
        _approve(profile, world["mod"])
    live = EscortProfilePage.objects.get(pk=profile.pk)
    assert live.tagline == "Opera nights and quiet dinners"
    assert sorted(live.photos.values_list("image_id", flat=True)) == both
