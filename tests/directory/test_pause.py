"""A provider pauses a profile and resumes it (docs/pausing.md): off every public
surface at once (pages, API v1, Wagtail API v2, search, sitemap), back everywhere
after one resume; no revision; another user's profile is 404; a profile that may
not be shown otherwise cannot be resumed (409)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import User
from audit.models import AuditEntry
from bookings.selectors import profile_live_get
from core.exceptions import Conflict, NotFound
from directory.models import EscortProfilePage
from directory.onboarding import onboarding_for
from directory.pausing import profile_pause, profile_resume
from messaging.services import thread_start
from search.models import ProfileSearchDocument
from tests.directory.agency_world import make_agency, owner_of
from tests.factories import UserFactory
from tests.factories.search import live_city, live_profile

pytestmark = pytest.mark.django_db


@pytest.fixture
def city():  # noqa: ANN201
    return live_city("Lisbon")


@pytest.fixture
def clara(city) -> EscortProfilePage:  # noqa: ANN001
    return live_profile("Clara", city=city)


@pytest.fixture
def other(city) -> EscortProfilePage:  # noqa: ANN001
    # A second live profile: every surface still shows it, so an empty page
    # cannot pass for "Clara is hidden".
    return live_profile("Beatriz", city=city)


def _surfaces(client, profile: EscortProfilePage) -> dict[str, bool]:  # noqa: ANN001
    """Where the public finds the profile; no re-indexing here: the pause itself
    must have dropped (or restored) the search document."""
    path = f"/escorts/{profile.slug}/"
    city_url = profile.home_city.url
    v2 = client.get("/api/v2/pages/", {"type": "directory.EscortProfilePage"}).json()
    escorts = client.get("/api/v1/escorts").json()["results"]
    search = client.get("/api/v1/search", {"page_size": 50}).json()["results"]
    return {
        "page": client.get(path).status_code == 200,
        "city_page": path in client.get(city_url).content.decode(),
        "profile_index": path in client.get("/escorts/").content.decode(),
        "search_page": path in client.get("/search/").content.decode(),
        "search_document": ProfileSearchDocument.objects.filter(
            profile_id=profile.pk
        ).exists(),
        "api_search": any(row["url"].endswith(path) for row in search),
        "api_escorts": profile.pk in {item["id"] for item in escorts},
        "api_escort": client.get(f"/api/v1/escorts/{profile.pk}").status_code == 200,
        "api_v2_list": profile.pk in {item["id"] for item in v2["items"]},
        "api_v2_detail": client.get(f"/api/v2/pages/{profile.pk}/").status_code == 200,
        "sitemap": path in client.get("/sitemap.xml").content.decode(),
    }


# --- Every public surface ---------------------------------------------------------


def test_a_paused_profile_is_on_no_public_surface_and_back_after_resume(
    client, clara, other
):
    assert all(_surfaces(client, clara).values())

    profile_pause(actor=clara.owner, profile_id=clara.pk)

    hidden = _surfaces(client, clara)
    assert not any(hidden.values()), hidden
    assert client.get(f"/escorts/{clara.slug}/").status_code == 404
    still_shown = _surfaces(client, other)
    assert all(still_shown.values()), still_shown

    profile_resume(actor=clara.owner, profile_id=clara.pk)

    back = _surfaces(client, clara)
    assert all(back.values()), back


def test_showable_is_the_one_home_of_the_paused_condition(clara):
    profile_pause(actor=clara.owner, profile_id=clara.pk)

    assert not EscortProfilePage.objects.showable().filter(pk=clara.pk).exists()
    assert EscortProfilePage.objects.showable_unless_paused().filter(pk=clara.pk)
    with pytest.raises(NotFound):
        profile_live_get(profile_id=clara.pk)  # booking requests start here


def test_a_paused_profile_takes_no_first_message(clara):
    profile_pause(actor=clara.owner, profile_id=clara.pk)
    client_user = UserFactory(role="client")

    with pytest.raises(NotFound):
        thread_start(client=client_user, profile_id=clara.pk, body="Hello Clara")


# --- Pausing is not unpublishing ---------------------------------------------------


def test_pausing_writes_no_revision_and_keeps_the_page_live(clara):
    revisions = clara.revisions.count()

    profile_pause(actor=clara.owner, profile_id=clara.pk)
    profile_resume(actor=clara.owner, profile_id=clara.pk)

    clara.refresh_from_db()
    assert clara.live
    assert clara.paused_at is None
    assert clara.revisions.count() == revisions
    assert clara.current_workflow_state is None  # nothing sent for review


def test_pausing_twice_is_a_no_op_and_audited_once(clara):
    first = profile_pause(actor=clara.owner, profile_id=clara.pk)
    second = profile_pause(actor=clara.owner, profile_id=clara.pk)

    assert first.paused_at is not None
    assert second.paused_at == first.paused_at
    actions = list(
        AuditEntry.objects.filter(action__startswith="profile.").values_list(
            "action", flat=True
        )
    )
    assert actions == ["profile.paused"]


def test_resuming_a_profile_that_is_not_paused_changes_nothing(clara):
    profile = profile_resume(actor=clara.owner, profile_id=clara.pk)

    assert profile.paused_at is None
    assert not AuditEntry.objects.filter(action="profile.resumed").exists()


def test_an_approved_edit_does_not_unpause(clara, django_capture_on_commit_callbacks):
    profile_pause(actor=clara.owner, profile_id=clara.pk)
    draft = EscortProfilePage.objects.get(pk=clara.pk)
    draft.tagline = "A new tagline"
    # The revision was made while paused; an older one would carry paused_at
    # None, and publishing must not take it from the revision either way.
    with django_capture_on_commit_callbacks(execute=True):
        draft.save_revision(user=clara.owner).publish()

    clara.refresh_from_db()
    assert clara.tagline == "A new tagline"
    assert clara.paused_at is not None
    assert not EscortProfilePage.objects.showable().filter(pk=clara.pk).exists()


# --- Who may, and what cannot be resumed -------------------------------------------


def test_another_users_profile_is_not_found(clara):
    stranger = UserFactory(role="escort")

    with pytest.raises(NotFound):
        profile_pause(actor=stranger, profile_id=clara.pk)
    profile_pause(actor=clara.owner, profile_id=clara.pk)
    with pytest.raises(NotFound):
        profile_resume(actor=stranger, profile_id=clara.pk)

    clara.refresh_from_db()
    assert clara.paused_at is not None


def test_the_agency_that_lists_the_profile_may_pause_it_and_no_other(api_client, clara):
    listing, other_agency = make_agency("Velvet Hours"), make_agency("Blue Salon")
    EscortProfilePage.objects.filter(pk=clara.pk).update(agency=listing)
    url = f"/api/v1/me/profiles/{clara.pk}/pause"

    api_client.force_authenticate(owner_of(other_agency))
    assert api_client.post(url).status_code == 404
    api_client.force_authenticate(owner_of(listing))
    assert api_client.post(url).json()["paused"] is True


def test_a_suspended_owner_cannot_resume(clara):
    profile_pause(actor=clara.owner, profile_id=clara.pk)
    User.objects.filter(pk=clara.owner_id).update(is_suspended=True)
    owner = User.objects.get(pk=clara.owner_id)

    with pytest.raises(Conflict, match="suspended"):
        profile_resume(actor=owner, profile_id=clara.pk)

    clara.refresh_from_db()
    assert clara.paused_at is not None  # still paused, still hidden


def test_an_unpublished_profile_cannot_be_resumed(clara):
    profile_pause(actor=clara.owner, profile_id=clara.pk)
    EscortProfilePage.objects.get(pk=clara.pk).unpublish()

    with pytest.raises(Conflict, match="not published"):
        profile_resume(actor=clara.owner, profile_id=clara.pk)


# --- Owner API --------------------------------------------------------------------


def test_api_pause_and_resume(api_client, clara):
    api_client.force_authenticate(clara.owner)

    paused = api_client.post(f"/api/v1/me/profiles/{clara.pk}/pause")
    again = api_client.post(f"/api/v1/me/profiles/{clara.pk}/pause")

    assert paused.status_code == 200
    assert paused.json()["paused"] is True
    assert again.status_code == 200
    assert again.json()["paused_at"] == paused.json()["paused_at"]
    resumed = api_client.post(f"/api/v1/me/profiles/{clara.pk}/resume")
    assert resumed.status_code == 200
    assert resumed.json() == {"id": clara.pk, "paused": False, "paused_at": None}


def test_my_profiles_list_says_which_are_paused(api_client, clara):
    api_client.force_authenticate(clara.owner)
    profile_pause(actor=clara.owner, profile_id=clara.pk)

    (row,) = api_client.get("/api/v1/me/profiles").json()["results"]

    assert row["id"] == clara.pk
    assert row["live"] is True
    assert row["paused"] is True


@pytest.mark.parametrize("action", ["pause", "resume"])
def test_api_another_users_or_unknown_profile_is_404(api_client, clara, action):
    api_client.force_authenticate(UserFactory(role="escort"))

    for profile_id in (clara.pk, 999_999, 2**40):
        response = api_client.post(f"/api/v1/me/profiles/{profile_id}/{action}")
        assert response.status_code == 404, profile_id
        assert response.json()["error"]["code"] == "not_found"


def test_api_needs_sign_in_and_post(api_client, clara):
    anonymous = api_client.post(f"/api/v1/me/profiles/{clara.pk}/pause")
    assert anonymous.status_code in (401, 403)
    api_client.force_authenticate(clara.owner)
    assert api_client.get(f"/api/v1/me/profiles/{clara.pk}/pause").status_code == 405
    clara.refresh_from_db()
    assert clara.paused_at is None


def test_api_resume_refused_is_409_with_the_reason(api_client, clara):
    api_client.force_authenticate(clara.owner)
    api_client.post(f"/api/v1/me/profiles/{clara.pk}/pause")
    User.objects.filter(pk=clara.owner_id).update(is_age_verified=False)

    response = api_client.post(f"/api/v1/me/profiles/{clara.pk}/resume")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"
    assert "not verified" in response.json()["error"]["message"]


def test_schema_documents_both_operations_with_their_4xx(api_client):
    schema = api_client.get("/api/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    pause = paths["/api/v1/me/profiles/{profile_id}/pause"]["post"]
    resume = paths["/api/v1/me/profiles/{profile_id}/resume"]["post"]
    assert {"200", "404"} <= set(pause["responses"])
    assert {"200", "404", "409"} <= set(resume["responses"])


# --- Dashboard --------------------------------------------------------------------


def test_dashboard_pause_and_resume_buttons(client, clara):
    client.force_login(clara.owner)
    dashboard = reverse("directory:dashboard")
    assert "Pause my profile" in client.get(dashboard).content.decode()

    response = client.post(reverse("directory:profile-pause", args=[clara.pk]))

    assert response.status_code == 302
    html = client.get(dashboard).content.decode()
    assert 'data-status="paused"' in html
    assert "is paused" in html  # the flash message
    assert reverse("directory:profile-resume", args=[clara.pk]) in html
    client.post(reverse("directory:profile-resume", args=[clara.pk]))
    assert EscortProfilePage.objects.get(pk=clara.pk).paused_at is None


def test_pausing_does_not_bring_the_onboarding_checklist_back(client, clara):
    profile_pause(actor=clara.owner, profile_id=clara.pk)

    assert onboarding_for(user=clara.owner).is_live
    client.force_login(clara.owner)
    html = client.get(reverse("directory:dashboard")).content.decode()
    assert "Clients can find this profile" not in html
    assert "but paused" in html


def test_dashboard_resume_refused_says_why(client, clara):
    profile_pause(actor=clara.owner, profile_id=clara.pk)
    # (A suspended user gets no dashboard at all: moderation.suspension.)
    User.objects.filter(pk=clara.owner_id).update(is_age_verified=False)
    client.force_login(User.objects.get(pk=clara.owner_id))

    response = client.post(
        reverse("directory:profile-resume", args=[clara.pk]), follow=True
    )

    assert "cannot be shown" in response.content.decode()
    assert EscortProfilePage.objects.get(pk=clara.pk).paused_at is not None


def test_dashboard_forms_refuse_others_and_get(client, clara):
    client.force_login(UserFactory(role="escort"))
    url = reverse("directory:profile-pause", args=[clara.pk])
    assert client.post(url).status_code == 404
    client.force_login(clara.owner)
    assert client.get(url).status_code == 405
    assert EscortProfilePage.objects.get(pk=clara.pk).paused_at is None


def test_owner_preview_still_works_while_paused(client, clara):
    profile_pause(actor=clara.owner, profile_id=clara.pk)
    client.force_login(clara.owner)

    response = client.get(reverse("directory:profile-preview"))

    assert response.status_code == 200


# --- Query counts -----------------------------------------------------------------


def test_listings_run_the_same_queries_with_paused_profiles(
    client, api_client, city, clara, other, django_assert_max_num_queries
):
    urls = (city.url, "/escorts/", "/api/v1/escorts", "/api/v1/search")

    def counts() -> list[int]:
        found = []
        for url in urls:
            client.get(url)  # renditions and caches warmed on the first render
            with django_assert_max_num_queries(60) as captured:
                assert client.get(url).status_code == 200
            found.append(len(captured))
        return found

    before = counts()
    for n in range(3):
        extra = live_profile(f"Paused {n}", city=city)
        profile_pause(actor=extra.owner, profile_id=extra.pk)
    profile_pause(actor=clara.owner, profile_id=clara.pk)

    assert counts() == before
