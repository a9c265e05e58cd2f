"""Wagtail API v2 (/api/v2/): live pages and their live values only; no draft, no
private tour, no owner data; photos with renditions; editorial images only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import Role
from cms_pages.models import StandardPage
from directory.models import CityPage, EscortProfilePage, ProfileRate
from tests.assertions import assert_error_shape
from tests.directory.test_api_public import live_city, live_profile
from tests.factories import UserFactory
from tests.factories.pages import (
    CustomImageFactory,
    add_photo,
    add_rate,
    add_tour,
    home_page,
    language,
    make_city,
    make_profile,
    service,
)

pytestmark = pytest.mark.django_db

PROFILES = "/api/v2/pages/?type=directory.EscortProfilePage&fields=*"


def titles(response) -> set[str]:  # noqa: ANN001
    assert response.status_code == 200, response.content[:500]
    return {item["title"] for item in response.json()["items"]}


@pytest.fixture
def berlin() -> CityPage:
    return live_city("Berlin")


@pytest.fixture
def profile(berlin) -> EscortProfilePage:  # noqa: ANN001
    profile = live_profile(
        "Amelie",
        city=berlin,
        tagline="Opera evenings",
        services=(service("Dinner date"),),
        languages=(language("en", "English"),),
    )
    add_photo(profile, caption="Portrait", is_primary=True)
    add_rate(profile, amount_minor=30000)
    today = timezone.localdate()
    add_tour(profile, city=berlin, starts_on=today, ends_on=today + dt.timedelta(2))
    add_tour(
        profile,
        city=berlin,
        starts_on=today + dt.timedelta(5),
        ends_on=today + dt.timedelta(6),
        is_private=True,
    )
    return profile


@pytest.fixture
def hidden(berlin) -> dict[str, EscortProfilePage]:  # noqa: ANN001
    suspended = live_profile("Suspended", city=berlin)
    suspended.owner.is_suspended = True
    suspended.owner.save()
    unverified = live_profile("Unverified", city=berlin)
    unverified.owner.is_age_verified = False
    unverified.owner.save()
    unpublished = live_profile("Unpublished", city=berlin)
    unpublished.unpublish()
    return {
        "draft": make_profile("Draft", city=berlin, live=False),
        "suspended": suspended,
        "unverified": unverified,
        "unpublished": unpublished,
    }


def test_profile_listing_has_only_live_profiles_of_eligible_owners(
    api_client, profile, hidden
):
    assert titles(api_client.get(PROFILES)) == {"Amelie"}
    everything = api_client.get("/api/v2/pages/?limit=50")
    assert titles(everything).isdisjoint({p.title for p in hidden.values()})


@pytest.mark.parametrize("kind", ["draft", "suspended", "unverified", "unpublished"])
def test_profile_detail_of_hidden_profile_is_404(api_client, hidden, kind):
    response = api_client.get(f"/api/v2/pages/{hidden[kind].pk}/")
    assert response.status_code == 404


def test_listing_and_detail_serve_live_values_not_a_newer_draft(api_client, profile):
    draft = EscortProfilePage.objects.get(pk=profile.pk)
    draft.title = "Renamed in draft"
    draft.tagline = "Draft tagline"
    draft.rates.add(
        ProfileRate(
            duration_minutes=30, kind="incall", amount_minor=100, currency="EUR"
        )
    )
    draft.save_revision(user=profile.owner)
    assert EscortProfilePage.objects.get(pk=profile.pk).has_unpublished_changes

    (item,) = api_client.get(PROFILES).json()["items"]
    detail = api_client.get(f"/api/v2/pages/{profile.pk}/").json()
    for body in (item, detail):
        assert body["title"] == "Amelie"
        assert body["tagline"] == "Opera evenings"
        assert [r["amount_minor"] for r in body["rates"]] == [30000]


def test_search_does_not_find_draft_words(api_client, profile):
    draft = EscortProfilePage.objects.get(pk=profile.pk)
    draft.tagline = "Zanzibarian sunsets"
    draft.save_revision(user=profile.owner)
    found = api_client.get(
        "/api/v2/pages/?type=directory.EscortProfilePage&search=opera"
    )
    assert titles(found) == {"Amelie"}
    hidden = api_client.get(
        "/api/v2/pages/?type=directory.EscortProfilePage&search=zanzibarian"
    )
    assert titles(hidden) == set()


def test_page_search_without_a_type_works_and_hides_what_the_listing_hides(
    api_client, profile, hidden
):
    # Every page type at once: Wagtail's search backend gets only filters it can
    # apply (it answered 400 to any ?search= without a type before).
    found = api_client.get("/api/v2/pages/?search=Amelie")
    assert found.status_code == 200, found.content[:300]
    assert titles(found) == {"Amelie"}
    assert titles(api_client.get("/api/v2/pages/?search=Berlin")) == {"Berlin"}
    for page in hidden.values():
        assert titles(api_client.get(f"/api/v2/pages/?search={page.title}")) == set()


def test_profile_exposes_public_tours_only(api_client, profile, berlin):
    detail = api_client.get(f"/api/v2/pages/{profile.pk}/").json()
    today = timezone.localdate()
    assert detail["public_tours"] == [
        {
            "city": "Berlin",
            "city_id": berlin.pk,
            "starts_on": today.isoformat(),
            "ends_on": (today + dt.timedelta(2)).isoformat(),
        }
    ]
    assert "tours" not in detail


def test_v2_and_v1_publish_the_same_tours(api_client, profile, berlin):
    # Issue 10, finding 1: v2 listed finished tours, which v1 hides.
    today = timezone.localdate()
    add_tour(
        profile,
        city=berlin,
        starts_on=today - dt.timedelta(30),
        ends_on=today - dt.timedelta(28),
    )

    v2 = api_client.get(f"/api/v2/pages/{profile.pk}/").json()["public_tours"]
    v1 = api_client.get(f"/api/v1/escorts/{profile.pk}").json()["tours"]

    assert [(t["starts_on"], t["ends_on"]) for t in v2] == [
        (today.isoformat(), (today + dt.timedelta(2)).isoformat())
    ]
    assert [(t["starts_on"], t["ends_on"]) for t in v1] == [
        (t["starts_on"], t["ends_on"]) for t in v2
    ]


@pytest.mark.parametrize(
    "query",
    [
        "fields=tours",
        "fields=owner",
        "fields=verified_at",
        "fields=owner__email",
        "owner=1",
        "verified_at=2020-01-01",
        "order=owner",
    ],
)
def test_private_fields_can_be_neither_requested_nor_filtered(
    api_client, profile, query
):
    url = f"/api/v2/pages/?type=directory.EscortProfilePage&{query}"
    assert_error_shape(api_client.get(url), 400, "bad_request")


def test_no_owner_data_in_any_profile_response(api_client, profile):
    for url in (PROFILES, f"/api/v2/pages/{profile.pk}/"):
        text = api_client.get(url).content.decode()
        # "photos_verified_at" is public (the badge's date); who verified is not.
        for secret in (profile.owner.email, '"owner', '"verified_', "is_private"):
            assert secret not in text, (url, secret)


def test_profile_photos_come_with_rendition_urls(api_client, profile):
    (photo,) = api_client.get(f"/api/v2/pages/{profile.pk}/").json()["photos"]
    assert photo["caption"] == "Portrait" and photo["is_primary"] is True
    assert photo["thumbnail"]["url"].endswith(".fill-400x500.format-webp.webp")
    assert photo["large"]["url"].endswith(".max-1200x1500.format-webp.webp")
    assert photo["thumbnail"]["full_url"].startswith("http")
    assert "image" not in photo  # the original's id and download URL stay unlisted


def test_profile_languages_and_services_are_readable(api_client, profile):
    (item,) = api_client.get(PROFILES).json()["items"]
    languages = [(lang.get("code"), lang.get("name")) for lang in item["languages"]]
    services = [svc.get("name") for svc in item["services"]]
    assert (languages, services) == ([("en", "English")], ["Dinner date"]), (
        "EscortProfilePage.api_fields: `languages` and `services` serialize as bare "
        "{id, meta: {type}} objects, and no v2 endpoint resolves Language or Service "
        "ids, so a frontend cannot show them. Give both APIFields a serializer "
        "(languages: code + name; services: name + slug). Got "
        f"{item['languages']!r} and {item['services']!r}."
    )


def test_city_and_standard_pages_are_listed_live_only(api_client, berlin):
    make_city("Atlantis", live=False)
    about = StandardPage(title="About", slug="about", intro="Who we are", live=False)
    home_page().add_child(instance=about)
    about.save_revision().publish()
    secret = StandardPage(title="Unreleased", slug="unreleased", live=False)
    home_page().add_child(instance=secret)
    secret.save_revision()

    cities = api_client.get("/api/v2/pages/?type=directory.CityPage&fields=*")
    assert titles(cities) == {"Berlin"}
    (city,) = cities.json()["items"]
    assert city["country_code"] == "DE" and city["time_zone"] == "Europe/Berlin"
    pages = api_client.get("/api/v2/pages/?type=cms_pages.StandardPage&fields=intro")
    assert titles(pages) == {"About"}
    assert pages.json()["items"][0]["intro"] == "Who we are"


def test_city_hero_image_comes_with_a_rendition(api_client, berlin):
    berlin.hero_image = CustomImageFactory()
    berlin.save_revision().publish()
    city = api_client.get(f"/api/v2/pages/{berlin.pk}/").json()
    assert city["hero_image_thumbnail"]["url"].endswith(
        ".fill-1200x500.format-webp.webp"
    )


def test_image_listing_has_editorial_images_only(api_client, profile):
    editor = UserFactory(role=Role.STAFF)
    provider = profile.owner
    editorial = CustomImageFactory(title="Skyline", uploaded_by_user=editor)
    seeded = CustomImageFactory(title="Seeded")
    pending = CustomImageFactory(title="Pending upload", uploaded_by_user=provider)

    listed = api_client.get("/api/v2/images/?limit=50").json()["items"]
    ids = {image["id"] for image in listed}
    assert {editorial.pk, seeded.pk} <= ids
    assert pending.pk not in ids
    assert api_client.get(f"/api/v2/images/{pending.pk}/").status_code == 404
    assert api_client.get(f"/api/v2/images/{editorial.pk}/").status_code == 200


def test_errors_use_the_project_error_shape(api_client, profile):
    assert_error_shape(api_client.get("/api/v2/pages/2000000000/"), 404, "not_found")
    assert_error_shape(api_client.get("/api/v2/images/2000000000/"), 404, "not_found")
    bad = api_client.get("/api/v2/pages/?type=directory.EscortProfilePage&fields=tours")
    assert_error_shape(bad, 400, "bad_request")
    assert_error_shape(api_client.get("/api/v2/pages/?type=nope.Nope"), 400)


def test_a_page_type_can_declare_its_joins_for_constant_listing_queries(
    api_client, django_assert_max_num_queries, berlin
):
    # EscortProfilePage declares its joins (api_select_related and
    # api_prefetch_related, the photos with their verification dates for
    # is_verified); without them the listing costs ~8 queries per profile.
    assert EscortProfilePage.api_select_related == ("home_city", "agency")
    assert "photos__image__renditions" in EscortProfilePage.api_prefetch_related
    counts = []
    for total in (2, 8):
        while EscortProfilePage.objects.live().count() < total:
            extra = live_profile(f"P{EscortProfilePage.objects.count()}", city=berlin)
            add_photo(extra)
            add_rate(extra)
        assert len(api_client.get(PROFILES).json()["items"]) == total  # renditions
        with django_assert_max_num_queries(20) as captured:
            assert api_client.get(PROFILES).status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]
