"""The demo seed builds a coherent, adult-only directory, and a re-run adds nothing."""

from __future__ import annotations

import pytest
from PIL import Image
from wagtail.models import Page, Revision, WorkflowState

from accounts import demo as accounts_demo
from accounts.models import User
from cms_pages import demo as cms_demo
from cms_pages.models import CustomImage, HomePage, StandardPage
from directory import demo as directory_demo
from directory.models import (
    MIN_AGE,
    Agency,
    AgencyEscort,
    AgencyInvitation,
    AgencyMembership,
    CityPage,
    EscortProfilePage,
    FeaturedCollectionPage,
    Language,
    ProfilePhoto,
    ProfileRate,
    ProfileTour,
    Service,
)
from tests.shared_data import shared_data

pytestmark = pytest.mark.django_db

PROFILES = 12


def run_seed(lines: list[str]) -> None:
    accounts_demo.seed(log=lines.append)
    cms_demo.seed(log=lines.append)
    directory_demo.seed(log=lines.append, profiles=PROFILES)


def counts() -> dict[str, int]:
    models = (
        User, CityPage, StandardPage, Service, Language, Agency, AgencyMembership,
        AgencyEscort, AgencyInvitation,
        EscortProfilePage, ProfileRate, ProfileTour, CustomImage, Revision,
        WorkflowState, FeaturedCollectionPage, Page,
    )  # fmt: skip
    return {model.__name__: model.objects.count() for model in models}


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The demo, seeded once for the module (tests/shared_data.py)."""
    with shared_data(django_db_blocker):
        lines: list[str] = []
        run_seed(lines)
        yield lines


def test_seed_builds_cities_pages_catalogue_and_agencies(seeded):
    cities = CityPage.objects.live()
    assert cities.count() == 12
    assert cities.values("country_code").distinct().count() >= 8
    assert cities.values("time_zone").distinct().count() >= 8
    london = cities.get(slug="london")
    assert london.hero_image.width == 1200
    assert (london.time_zone, london.country_code) == ("Europe/London", "GB")
    assert round(float(london.latitude)) == 52 and round(float(london.longitude)) == 0
    assert set(StandardPage.objects.live().values_list("slug", flat=True)) == {
        "about", "safety", "terms", "privacy", "cookies", "contact",
    }  # fmt: skip
    assert HomePage.objects.get().intro
    assert Service.objects.count() == 12
    assert Language.objects.count() == 10
    assert Agency.objects.count() == 5
    assert Agency.objects.filter(status="verified").exists()
    assert Agency.objects.filter(status="pending").exists()
    first = Agency.objects.get(slug=directory_demo.AGENCIES[0][1])
    assert first.verified
    owner = first.memberships.get(role=AgencyMembership.Role.OWNER).user
    assert owner.email == "agency@demo.test"
    assert owner.is_age_verified  # the responsible person of a verified agency
    assert first.invitations.filter(status="pending").count() == 1
    # Every profile listed by an agency has its escort's recorded consent.
    listed = EscortProfilePage.objects.filter(agency__isnull=False)
    assert listed.exists()
    assert {(p.owner_id, p.agency_id) for p in listed} == set(
        AgencyEscort.objects.filter(status="active").values_list(
            "escort_id", "agency_id"
        )
    )
    assert all(
        a.memberships.filter(role="owner").exists() for a in Agency.objects.all()
    )


def test_profiles_are_adult_verified_owned_and_varied(seeded):
    profiles = EscortProfilePage.objects.live().select_related("owner", "home_city")
    assert profiles.count() == PROFILES
    assert all(p.age >= MIN_AGE and 21 <= p.age <= 45 for p in profiles)
    owners = {p.owner for p in profiles}
    assert len(owners) == PROFILES
    assert all(o.role == "escort" and o.is_age_verified for o in owners)
    assert all(o.emailaddress_set.get().verified for o in owners)
    assert profiles.filter(is_vip=True).exists()
    assert profiles.filter(is_vip=False).exists()
    # "Photos verified" comes from PhotoVerification rows of the live photos.
    verified = profiles.with_photo_badges().filter(photos_verified_at__isnull=False)
    assert 0 < verified.count() < PROFILES
    assert profiles.filter(agency__isnull=False).exists()
    assert profiles.values("home_city").distinct().count() == 12
    for profile in profiles.prefetch_related("rates", "services", "languages"):
        rates = list(profile.rates.all())
        assert 1 <= len(rates) <= 3 and all(r.amount_minor > 0 for r in rates)
        assert {r.currency for r in rates} == {
            directory_demo.CURRENCY.get(profile.home_city.country_code, "EUR")
        }
        assert 2 <= profile.services.count() <= 5
        assert 1 <= profile.languages.count() <= 3


def test_sofia_owns_a_live_london_profile(seeded):
    sofia = User.objects.get(email="escort@demo.test")
    profile = EscortProfilePage.objects.live().get(owner=sofia)
    assert profile.title == "Sofia Laurent"
    assert profile.home_city.slug == "london"


def test_photos_are_placeholders_without_metadata(seeded):
    # Live profiles: the onboarding drafts have 0 or 3 photos by design.
    for profile in EscortProfilePage.objects.live().prefetch_related("photos__image"):
        photos = list(profile.photos.all())
        assert 2 <= len(photos) <= 4
        assert sum(photo.is_primary for photo in photos) == 1
        assert all(
            photo.image.uploaded_by_user_id == profile.owner_id for photo in photos
        )
    image = ProfilePhoto.objects.select_related("image").first().image
    with Image.open(image.file.path) as stored:
        assert stored.format == "JPEG"
        assert stored.size == (600, 750)
        assert dict(stored.getexif()) == {}


def test_review_queue_tours_and_collections(seeded):
    in_review = WorkflowState.objects.filter(status=WorkflowState.STATUS_IN_PROGRESS)
    assert in_review.count() >= 1
    profile = EscortProfilePage.objects.get(pk=in_review.first().object_id)
    draft = profile.get_latest_revision_as_object()
    assert profile.has_unpublished_changes
    assert draft.tagline != profile.tagline  # the live tagline is untouched
    public = ProfileTour.objects.filter(is_private=False)
    assert public.exists() and ProfileTour.objects.filter(is_private=True).exists()
    tour = public.select_related("page").first()
    assert tour.city_id != tour.page.home_city_id
    assert tour.starts_on <= tour.ends_on
    collections = FeaturedCollectionPage.objects.live()
    assert set(collections.values_list("slug", flat=True)) == {
        "new-in-london",
        "travel-companions",
    }
    assert all(c.items.count() >= 1 for c in collections)
    home = HomePage.objects.get()
    assert home.featured_cities.count() == 6
    assert home.featured_collections.count() == 2


def test_second_run_creates_nothing(seeded):
    before = counts()
    again: list[str] = []
    run_seed(again)
    assert counts() == before
    assert f"profiles: 0 new, {PROFILES} already there" in again
    assert f"profiles: {PROFILES}/{PROFILES} new" in seeded
    assert not any("created" in line for line in again)


def test_onboarding_stage_providers_show_their_stage(seeded):
    from directory.onboarding import onboarding_for

    def states(email: str) -> dict[str, str]:
        user = User.objects.get(email=email)
        return {s.key: s.state for s in onboarding_for(user=user).steps}

    assert states("onboarding.signedup@demo.test")["profile"] == "todo"
    draft = states("onboarding.draft@demo.test")
    assert draft["profile"] == "done" and draft["photos"] == "current"
    photos = states("onboarding.photos@demo.test")
    assert photos["photos"] == "done" and photos["verification"] == "todo"
    assert states("onboarding.pending@demo.test")["verification"] == "waiting"
    assert (
        not EscortProfilePage.objects.live()
        .filter(owner__email__startswith="onboarding.")
        .exists()
    )
    logins = {email for _label, email, _pw in directory_demo.logins()}
    assert "onboarding.draft@demo.test" in logins
