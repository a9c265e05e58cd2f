"""The public /api/v1/ directory endpoints: live content only, the documented keys
only, bad input answers 400, lists run a constant number of queries."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from cms_pages.renditions import PROFILE_THUMBNAIL
from directory.apis.public import EscortListApi, _public_profiles
from directory.models import Agency, CityPage, EscortProfilePage, ProfileRate
from tests.assertions import assert_error_shape
from tests.factories.pages import (
    CustomImageFactory,
    add_photo,
    add_rate,
    add_tour,
    language,
    make_city,
    make_profile,
    service,
    verify_photo,
)
from tests.factories.reviews import add_review, set_reviews

pytestmark = pytest.mark.django_db

ESCORT_KEYS = {
    "id",
    "display_name",
    "slug",
    "url",
    "age",
    "city",
    "tagline",
    "is_verified",
    "photos_verified_at",
    "is_vip",
    "agency",
    "photo",
    "from_price",
    "services",
    "languages",
    "rating",  # reviews.selectors via directory.ratings; null when reviews are off
}
DETAIL_KEYS = ESCORT_KEYS | {"bio", "contact_preference", "rates", "photos", "tours"}
CITY_KEYS = {
    "id",
    "name",
    "slug",
    "country",
    "country_code",
    "time_zone",
    "latitude",
    "longitude",
    "url",
    "profile_count",
    "hero_image",
}
AGENCY_KEYS = {"name", "slug", "description", "verified", "profile_count"}
PAGE_KEYS = {"next", "previous", "results"}


def live_city(title: str, **fields: Any) -> CityPage:
    city = make_city(title, live=False, **fields)
    city.save_revision().publish()
    city.refresh_from_db()
    return city


def live_profile(
    title: str, *, services: tuple = (), languages: tuple = (), **fields: Any
) -> EscortProfilePage:
    """Published through a revision, as a moderator's approval does. Services and
    languages are parental many-to-many: they reach the live row that way too."""
    profile = make_profile(title, live=False, **fields)
    profile.services.add(*services)
    profile.languages.add(*languages)
    profile.save_revision(user=profile.owner).publish()
    profile.refresh_from_db()
    return profile


def names(response) -> set[str]:  # noqa: ANN001
    assert response.status_code == 200, response.content[:500]
    return {item["display_name"] for item in response.json()["results"]}


def walk(api_client, url: str) -> list[dict]:  # noqa: ANN001
    """Every item of a cursor-paginated list, following ``next`` to the end."""
    items: list[dict] = []
    while url:
        response = api_client.get(url)
        assert response.status_code == 200, response.content[:500]
        body = response.json()
        assert set(body) == PAGE_KEYS
        items += body["results"]
        url = body["next"]
    return items


@pytest.fixture
def berlin() -> CityPage:
    return live_city("Berlin")


@pytest.fixture
def paris() -> CityPage:
    return live_city(
        "Paris",
        country="France",
        country_code="FR",
        time_zone="Europe/Paris",
        latitude="48.85660",
        longitude="2.35220",
    )


@pytest.fixture
def agency() -> Agency:
    return Agency.objects.create(
        name="Maison Lumière",
        slug="maison-lumiere",
        description="Paris",
        status="verified",
        verified_at=timezone.now(),
    )


@pytest.fixture
def full_profile(berlin, paris, agency) -> EscortProfilePage:  # noqa: ANN001
    profile = live_profile(
        "Amelie",
        city=berlin,
        age=29,
        tagline="Opera evenings",
        bio="<p>Fond of <b>opera</b>.</p>",
        agency=agency,
        is_vip=True,
        services=(service("Dinner date"), service("Travel")),
        languages=(language("en", "English"), language("fr", "French")),
    )
    add_photo(profile, caption="In the park")
    verify_photo(add_photo(profile, caption="Portrait", is_primary=True))
    add_rate(profile, duration_minutes=120, amount_minor=50000)
    add_rate(profile, duration_minutes=60, amount_minor=30000, kind="outcall")
    today = timezone.localdate()
    add_tour(profile, city=paris, starts_on=today, ends_on=today + dt.timedelta(3))
    add_tour(
        profile,
        city=paris,
        starts_on=today + dt.timedelta(10),
        ends_on=today + dt.timedelta(12),
        is_private=True,
    )
    add_tour(
        profile,
        city=paris,
        starts_on=today - dt.timedelta(30),
        ends_on=today - dt.timedelta(28),
    )
    return profile


# --- /escorts ---------------------------------------------------------------------


def test_escort_list_item_has_exactly_the_public_fields(api_client, full_profile):
    body = api_client.get("/api/v1/escorts").json()
    assert set(body) == PAGE_KEYS
    (item,) = body["results"]
    assert set(item) == ESCORT_KEYS
    assert item["id"] == full_profile.pk
    assert item["display_name"] == "Amelie"
    assert item["url"] == "http://testserver/escorts/amelie/"
    assert item["age"] == 29
    assert item["city"] == {"id": full_profile.home_city_id, "name": "Berlin"}
    assert item["agency"] == {"name": "Maison Lumière", "slug": "maison-lumiere"}
    assert item["is_verified"] is True and item["is_vip"] is True
    assert item["from_price"] == {"amount_minor": 30000, "currency": "EUR"}
    assert sorted(item["services"]) == ["Dinner date", "Travel"]
    assert sorted(item["languages"]) == ["en", "fr"]
    assert item["rating"] is None  # reviews off unless the provider turns them on
    assert set(item["photo"]) == {"thumbnail", "caption"}
    assert item["photo"]["caption"] == "Portrait"  # the primary, not the first
    assert item["photo"]["thumbnail"].startswith("http://testserver/media/")
    assert item["photo"]["thumbnail"].endswith(".fill-400x500.format-webp.webp")


def test_escort_without_photo_rates_or_agency_has_nulls(api_client, berlin):
    live_profile("Bea", city=berlin)
    (item,) = api_client.get("/api/v1/escorts").json()["results"]
    assert item["photo"] is None
    assert item["from_price"] is None
    assert item["agency"] is None
    assert item["services"] == [] and item["languages"] == []


def test_list_items_are_what_the_serializer_makes_of_the_profiles(
    api_client, full_profile, berlin, paris
):
    """The list builds its items from values rows (directory.selectors.
    profile_rows) without a serializer: they must be, byte for byte, what the
    documented ``OutputSerializer`` makes of the page objects."""
    rated = live_profile("Clara", city=paris, tagline="Gallery mornings")
    add_photo(rated, caption="")
    add_rate(rated, duration_minutes=60, amount_minor=42000, currency="GBP")
    set_reviews(rated, enabled=True)
    for stars in (5, 4, 4):
        add_review(rated, stars)
    live_profile("Bea", city=berlin)
    request = Request(APIRequestFactory().get("/api/v1/escorts"))
    objects = _public_profiles(PROFILE_THUMBNAIL).order_by("-id")
    expected = EscortListApi.OutputSerializer(
        objects, many=True, context={"request": request}
    ).data

    response = api_client.get("/api/v1/escorts")

    items = response.json()["results"]
    assert len(items) == 3
    assert items[1]["rating"] == {"average": 4.33, "count": 3}
    assert items[1]["from_price"] == {"amount_minor": 42000, "currency": "GBP"}
    assert response.content == JSONRenderer().render(
        {"next": None, "previous": None, "results": expected}
    )


@pytest.fixture
def catalogue(berlin, paris) -> dict[str, EscortProfilePage]:  # noqa: ANN001
    specs = {
        "Anna": (berlin, True, True),
        "Bella": (berlin, True, False),
        "Cleo": (berlin, False, True),
        "Dora": (paris, False, False),
        "Eva": (paris, True, True),
    }
    return {
        name: live_profile(name, city=city, is_verified=verified, is_vip=vip)
        for name, (city, verified, vip) in specs.items()
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, {"Anna", "Bella", "Cleo", "Dora", "Eva"}),
        ({"city": "berlin"}, {"Anna", "Bella", "Cleo"}),
        ({"city": "paris"}, {"Dora", "Eva"}),
        ({"verified": "true"}, {"Anna", "Bella", "Eva"}),
        ({"verified": "false"}, {"Cleo", "Dora"}),
        ({"vip": "true"}, {"Anna", "Cleo", "Eva"}),
        ({"vip": "false"}, {"Bella", "Dora"}),
        ({"city": "berlin", "verified": "true"}, {"Anna", "Bella"}),
        ({"city": "berlin", "vip": "false"}, {"Bella"}),
        ({"city": "paris", "verified": "true", "vip": "true"}, {"Eva"}),
        ({"city": "paris", "verified": "false", "vip": "true"}, set()),
        ({"verified": "false", "vip": "true"}, {"Cleo"}),
        ({"city": "unknown"}, set()),
    ],
)
def test_escort_filters_alone_and_combined(
    api_client, catalogue, berlin, paris, query, expected
):
    ids = {"berlin": berlin.pk, "paris": paris.pk, "unknown": 2_000_000}
    if "city" in query:
        query = {**query, "city": ids[query["city"]]}
    assert names(api_client.get("/api/v1/escorts", query)) == expected


def test_escort_pagination_walks_every_profile_once_newest_first(api_client, catalogue):
    items = walk(api_client, "/api/v1/escorts?page_size=2")
    ids = [item["id"] for item in items]
    assert ids == sorted((p.pk for p in catalogue.values()), reverse=True)


def test_filtered_pagination_keeps_the_filter(api_client, catalogue, berlin):
    items = walk(api_client, f"/api/v1/escorts?page_size=1&city={berlin.pk}")
    assert sorted(item["display_name"] for item in items) == ["Anna", "Bella", "Cleo"]


def _cursor(raw: str) -> str:
    return base64.b64encode(raw.encode()).decode()


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("city=abc", "city"),
        ("city=0", "city"),
        ("city=-3", "city"),
        ("city=99999999999999999999", "city"),
        ("verified=maybe", "verified"),
        ("vip=2", "vip"),
        ("page_size=100000", "page_size"),
        ("page_size=0", "page_size"),
        ("page_size=ten", "page_size"),
        ("cursor=%%%not-base64", "cursor"),
        (f"cursor={_cursor('o=abc')}", "cursor"),
        (f"cursor={_cursor('r=x')}", "cursor"),
        (f"cursor={_cursor('p=abc')}", "cursor"),
        (f"cursor={_cursor('o=-1&p=5')}", "cursor"),
        (f"cursor={_cursor('p=5.5')}", "cursor"),
        ("cursor=" + "A" * 600, "cursor"),
    ],
)
def test_escort_list_bad_input_answers_400(api_client, catalogue, query, field):
    response = api_client.get(f"/api/v1/escorts?{query}")
    error = assert_error_shape(response, 400, "validation_error")
    assert field in error["fields"]


def test_cursor_position_beyond_any_id_is_a_position_not_an_error(
    api_client, catalogue
):
    response = api_client.get(f"/api/v1/escorts?cursor={_cursor('p=' + '9' * 26)}")
    assert names(response) == set(catalogue)


@pytest.mark.parametrize("path", ["/api/v1/cities", "/api/v1/agencies"])
@pytest.mark.parametrize(
    "query",
    ["page_size=100000", "page_size=-1", "cursor=garbage!", f"cursor={_cursor('o=x')}"],
)
def test_other_lists_refuse_bad_pagination(api_client, berlin, agency, path, query):
    response = api_client.get(f"{path}?{query}")
    assert_error_shape(response, 400, "validation_error")


def test_escort_detail_has_the_full_public_profile(api_client, full_profile, paris):
    response = api_client.get(f"/api/v1/escorts/{full_profile.pk}")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == DETAIL_KEYS
    assert body["bio"] == "<p>Fond of <b>opera</b>.</p>"
    assert body["contact_preference"] == "messages_bookings"
    assert [(r["duration_minutes"], r["amount_minor"]) for r in body["rates"]] == [
        (120, 50000),
        (60, 30000),
    ]
    assert all(
        set(r) == {"duration_minutes", "kind", "amount_minor", "currency"}
        for r in body["rates"]
    )
    assert [p["caption"] for p in body["photos"]] == ["In the park", "Portrait"]
    for photo in body["photos"]:
        assert set(photo) == {"thumbnail", "large", "caption", "is_primary"}
        assert photo["thumbnail"].endswith(".fill-400x500.format-webp.webp")
        assert photo["large"].endswith(".max-1200x1500.format-webp.webp")


def test_escort_detail_shows_only_current_public_tours(api_client, full_profile, paris):
    tours = api_client.get(f"/api/v1/escorts/{full_profile.pk}").json()["tours"]
    today = timezone.localdate()
    # The private tour (in 10 days) and the finished one (a month ago) are absent.
    assert tours == [
        {
            "city": {"id": paris.pk, "name": "Paris"},
            "starts_on": today.isoformat(),
            "ends_on": (today + dt.timedelta(3)).isoformat(),
        }
    ]


def test_no_endpoint_leaks_owner_or_moderation_fields(api_client, full_profile, agency):
    owner = full_profile.owner
    for path in (
        "/api/v1/escorts",
        f"/api/v1/escorts/{full_profile.pk}",
        "/api/v1/cities",
        "/api/v1/agencies",
        f"/api/v1/agencies/{agency.slug}",
    ):
        text = api_client.get(path).content.decode()
        # "photos_verified_at" is public (the badge's date); who verified is not.
        for secret in (owner.email, '"owner', '"verified_', "is_private", "email"):
            assert secret not in text, (path, secret)


def test_tagline_with_markup_comes_back_as_the_exact_string(api_client, berlin):
    payload = '<script>alert("x")</script><img src=x onerror=alert(1)> & "quoted"'
    profile = live_profile("Xena", city=berlin, tagline=payload)
    for path in ("/api/v1/escorts", f"/api/v1/escorts/{profile.pk}"):
        response = api_client.get(path)
        assert response["Content-Type"] == "application/json"
        body = response.json()
        item = body["results"][0] if "results" in body else body
        assert item["tagline"] == payload


# --- Live values only -------------------------------------------------------------


def test_newer_unpublished_revision_is_not_served(api_client, full_profile):
    draft = EscortProfilePage.objects.get(pk=full_profile.pk)
    draft.title = "Renamed in draft"
    draft.tagline = "Draft tagline"
    draft.bio = "<p>Draft bio</p>"
    draft.rates.add(
        ProfileRate(
            duration_minutes=30, kind="incall", amount_minor=100, currency="EUR"
        )
    )
    draft.save_revision(user=full_profile.owner)
    full_profile.refresh_from_db()
    assert full_profile.has_unpublished_changes  # the draft really exists

    detail = api_client.get(f"/api/v1/escorts/{full_profile.pk}").json()
    assert detail["display_name"] == "Amelie"
    assert detail["tagline"] == "Opera evenings"
    assert detail["bio"] == "<p>Fond of <b>opera</b>.</p>"
    assert [r["amount_minor"] for r in detail["rates"]] == [50000, 30000]
    (item,) = api_client.get("/api/v1/escorts").json()["results"]
    assert item["display_name"] == "Amelie"
    assert item["from_price"]["amount_minor"] == 30000


@pytest.fixture
def hidden_profiles(berlin) -> dict[str, EscortProfilePage]:  # noqa: ANN001
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


def test_lists_show_no_draft_or_ineligible_profile(
    api_client, hidden_profiles, berlin, agency
):
    EscortProfilePage.objects.filter(
        pk__in=[p.pk for p in hidden_profiles.values()]
    ).update(agency=agency)
    visible = live_profile("Visible", city=berlin, agency=agency)

    assert names(api_client.get("/api/v1/escorts")) == {"Visible"}
    assert names(api_client.get("/api/v1/escorts", {"city": berlin.pk})) == {"Visible"}
    (city,) = api_client.get("/api/v1/cities").json()["results"]
    assert city["profile_count"] == 1
    (listed,) = api_client.get("/api/v1/agencies").json()["results"]
    assert listed["profile_count"] == 1
    detail = api_client.get(f"/api/v1/agencies/{agency.slug}").json()
    assert detail["profiles"] == [
        {
            "id": visible.pk,
            "display_name": "Visible",
            "url": "http://testserver/escorts/visible/",
        }
    ]


@pytest.mark.parametrize("kind", ["draft", "suspended", "unverified", "unpublished"])
def test_detail_of_draft_or_ineligible_profile_is_404(
    api_client, hidden_profiles, kind
):
    response = api_client.get(f"/api/v1/escorts/{hidden_profiles[kind].pk}")
    assert_error_shape(response, 404, "not_found")


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/escorts/2000000000",
        "/api/v1/escorts/99999999999999999999",
        "/api/v1/escorts/abc",
        "/api/v1/agencies/no-such-agency",
    ],
)
def test_unknown_objects_answer_404(api_client, path):
    assert_error_shape(api_client.get(path), 404)


def test_a_city_page_id_is_not_a_profile(api_client, berlin):
    assert_error_shape(api_client.get(f"/api/v1/escorts/{berlin.pk}"), 404, "not_found")


# --- /cities and /agencies ----------------------------------------------------------


def test_city_list_shows_live_cities_by_name(api_client, berlin, paris):
    make_city("Atlantis", live=False, slug="atlantis")
    berlin.hero_image = CustomImageFactory()
    berlin.save_revision().publish()
    live_profile("Anna", city=berlin)
    items = walk(api_client, "/api/v1/cities?page_size=1")
    assert [c["name"] for c in items] == ["Berlin", "Paris"]
    first, second = items
    assert set(first) == CITY_KEYS
    assert first["id"] == berlin.pk
    assert first["url"] == "http://testserver/cities/berlin/"
    assert (first["latitude"], first["longitude"]) == (52.52, 13.405)
    assert first["country_code"] == "DE" and first["time_zone"] == "Europe/Berlin"
    assert first["profile_count"] == 1 and second["profile_count"] == 0
    assert first["hero_image"].endswith(".fill-1200x500.format-webp.webp")
    assert second["hero_image"] is None


def test_agency_list_and_detail(api_client, agency, berlin):
    Agency.objects.create(name="Atelier Nuit", slug="atelier-nuit")
    anna = live_profile("Anna", city=berlin, agency=agency)
    items = walk(api_client, "/api/v1/agencies?page_size=1")
    assert [a["slug"] for a in items] == ["atelier-nuit", "maison-lumiere"]
    assert all(set(a) == AGENCY_KEYS for a in items)
    assert items[1] == {
        "name": "Maison Lumière",
        "slug": "maison-lumiere",
        "description": "Paris",
        "verified": True,
        "profile_count": 1,
    }
    detail = api_client.get("/api/v1/agencies/maison-lumiere").json()
    assert set(detail) == AGENCY_KEYS | {"profiles"}
    assert detail["profiles"] == [
        {
            "id": anna.pk,
            "display_name": "Anna",
            "url": "http://testserver/escorts/anna/",
        }
    ]


def test_public_endpoints_are_read_only(api_client, full_profile):
    response = api_client.post("/api/v1/escorts", {}, format="json")
    assert_error_shape(response, 405, "method_not_allowed")
    assert EscortProfilePage.objects.count() == 1


# --- Query counts -------------------------------------------------------------------


@pytest.fixture
def thirty_profiles(berlin, agency) -> list[EscortProfilePage]:  # noqa: ANN001
    dinner, en = service("Dinner date"), language("en", "English")
    today = timezone.localdate()
    profiles = []
    for n in range(31):
        profile = live_profile(
            f"Profile {n}",
            city=berlin,
            agency=agency,
            services=(dinner,),
            languages=(en,),
        )
        add_photo(profile, is_primary=True)
        add_rate(profile)
        add_tour(profile, city=berlin, starts_on=today, ends_on=today)
        profiles.append(profile)
    return profiles


def _count_queries(django_assert_max_num_queries, api_client, url: str) -> int:  # noqa: ANN001
    with django_assert_max_num_queries(11) as captured:
        response = api_client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_escort_list_query_count_does_not_grow_with_page_size(
    api_client, django_assert_max_num_queries, thirty_profiles
):
    for path in ("/api/v1/escorts?", "/api/v1/escorts?verified=false&vip=false&"):
        # The first request generates the renditions (writing their rows); the
        # counted ones only read them.
        assert len(api_client.get(f"{path}page_size=31").json()["results"]) == 31
        small = _count_queries(
            django_assert_max_num_queries, api_client, f"{path}page_size=3"
        )
        large = _count_queries(
            django_assert_max_num_queries, api_client, f"{path}page_size=30"
        )
        assert small == large


def test_escort_detail_query_count_does_not_grow_with_photos(
    api_client, django_assert_max_num_queries, full_profile
):
    url = f"/api/v1/escorts/{full_profile.pk}"
    api_client.get(url)  # generates the renditions
    before = _count_queries(django_assert_max_num_queries, api_client, url)
    for _ in range(4):
        add_photo(full_profile)
    api_client.get(url)
    assert _count_queries(django_assert_max_num_queries, api_client, url) == before


def test_city_list_query_count_does_not_grow_with_page_size(
    api_client, django_assert_max_num_queries, thirty_profiles
):
    for n in range(30):
        live_city(f"City {n:02}", slug=f"city-{n}", hero_image=CustomImageFactory())
    # Generates the hero renditions first (writes); the counted requests only read.
    assert len(api_client.get("/api/v1/cities?page_size=31").json()["results"]) == 31
    small = _count_queries(
        django_assert_max_num_queries, api_client, "/api/v1/cities?page_size=3"
    )
    large = _count_queries(
        django_assert_max_num_queries, api_client, "/api/v1/cities?page_size=30"
    )
    assert small == large


def test_agency_queries_do_not_grow_with_agencies_or_profiles(
    api_client, django_assert_max_num_queries, thirty_profiles, agency
):
    for n in range(30):
        Agency.objects.create(name=f"Agency {n:02}", slug=f"agency-{n}")
    api_client.get("/api/v1/agencies")  # caches the private sections
    small = _count_queries(
        django_assert_max_num_queries, api_client, "/api/v1/agencies?page_size=3"
    )
    large = _count_queries(
        django_assert_max_num_queries, api_client, "/api/v1/agencies?page_size=30"
    )
    assert small == large
    lone = Agency.objects.get(slug="agency-0")
    live_profile("Solo", city=thirty_profiles[0].home_city, agency=lone)
    api_client.get(f"/api/v1/agencies/{lone.slug}")  # caches the site's root paths
    one = _count_queries(
        django_assert_max_num_queries, api_client, f"/api/v1/agencies/{lone.slug}"
    )
    many = _count_queries(
        django_assert_max_num_queries, api_client, f"/api/v1/agencies/{agency.slug}"
    )
    assert one == many
