"""Page logic where it belongs: listing pages build their listings in
``get_context()``, SEO data come from the page types' methods, and an editor's
preview records no impressions."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.test import Client, RequestFactory
from wagtail.models import Page
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from accounts.models import Role
from cms_pages.models import SeoMixin, StandardPage
from directory.listings import Listing
from search.impressions import impressions_flush
from search.models import ProfileImpressionDaily
from tests.factories import UserFactory
from tests.factories.pages import (
    CustomImageFactory,
    add_photo,
    city_index_page,
    home_page,
    make_city,
    make_collection,
    make_profile,
    profile_index_page,
    publish,
)
from tests.mfa import login_with_mfa

pytestmark = pytest.mark.django_db

DESCRIPTION = re.compile(r'<meta name="description" content="([^"]*)">')


@pytest.fixture
def rf_request():
    request = RequestFactory().get("/")
    request.session = None
    return request


@pytest.fixture
def berlin():
    return make_city("Berlin")


@pytest.fixture
def world(berlin):
    amelie = make_profile("Amelie", city=berlin, tagline="Opera evenings")
    add_photo(amelie, is_primary=True)
    collection = make_collection("Editors picks", profiles=[amelie], parent=berlin)
    return {"city": berlin, "profile": amelie, "collection": collection}


# --- Listings in get_context ------------------------------------------------------


def test_each_listing_page_builds_its_listing_in_get_context(world, rf_request):
    city, amelie = world["city"], world["profile"]
    home = home_page()
    home.featured_cities.create(city=city)
    home.featured_collections.create(collection=world["collection"])

    city_context = city.get_context(rf_request)
    assert isinstance(city_context["listing"], Listing)
    assert city_context["listing"].profiles == [amelie]
    assert city_context["touring"] == []
    assert city_index_page().get_context(rf_request)["cities"] == [city]
    assert world["collection"].get_context(rf_request)["profiles"] == [amelie]
    assert profile_index_page().get_context(rf_request)["listing"].profiles == [amelie]
    home_context = home.get_context(rf_request)
    assert home_context["featured_cities"] == [city]
    [featured] = home_context["featured_collections"]
    assert featured.collection == world["collection"] and featured.profiles == [amelie]


def test_templates_and_tags_no_longer_query_for_listings():
    """Listings left the tag library: the templates of listing pages render what
    get_context gave them, and no tag there reads a selector."""
    tags = Path(settings.BASE_DIR, "directory/templatetags/directory_tags.py")
    tree = ast.parse(tags.read_text())
    imported = {
        node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
    }
    assert "directory.selectors" not in imported
    templates = Path(settings.BASE_DIR, "templates")
    for name in (
        "cms_pages/city_page.html",
        "cms_pages/city_index_page.html",
        "cms_pages/featured_collection_page.html",
        "cms_pages/home_page.html",
        "directory/profile_index_page.html",
    ):
        text = (templates / name).read_text()
        for tag in (
            "city_listing",
            "live_cities",
            "touring_profiles",
            "collection_profiles",
            "home_featured",
            "profile_index_listing",
        ):
            assert tag not in text, (name, tag)


# --- SEO from the page types --------------------------------------------------------


def test_seo_head_has_no_isinstance_chain_over_page_types():
    tags = Path(settings.BASE_DIR, "directory/templatetags/directory_tags.py")
    page_types = {"HomePage", "CityPage", "EscortProfilePage", "FeaturedCollectionPage"}
    for node in ast.walk(ast.parse(tags.read_text())):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "isinstance":
            names = {n.id for n in ast.walk(node.args[1]) if isinstance(n, ast.Name)}
            assert not names & page_types, ast.unparse(node)


def test_each_page_type_overrides_the_seo_methods_it_knows(world):
    city, amelie = world["city"], world["profile"]
    url = "https://example.test/x/"

    assert home_page().structured_data(url=url)["@type"] == "WebSite"
    assert city.structured_data(url=url)["@type"] == "City"
    assert amelie.structured_data(url=url)["mainEntity"] == {
        "@type": "Person",
        "name": "Amelie",
    }
    assert world["collection"].structured_data(url=url) is None
    assert amelie.og_type() == "profile" and city.og_type() == "website"
    assert amelie.seo_image() == amelie.primary_photo.image
    assert amelie.seo_description() == "Amelie, 27, Berlin. Opera evenings"
    city.intro = ""
    assert city.seo_description() == "Verified companions in Berlin, Germany."
    city.search_description = "Written by an editor."
    assert city.seo_description() == "Written by an editor."
    city.search_description = "x" * 400
    assert len(city.seo_description()) == 160


def test_every_indexable_page_has_a_meta_description(client, world):
    standard = StandardPage(title="About us", slug="about-us")
    home_page().add_child(instance=standard)
    publish(standard)
    # Pages without an intro or editor's description still describe themselves.
    index = city_index_page()
    index.intro = ""
    publish(index)

    urls = [
        "/",
        "/cities/",
        world["city"].url,
        world["collection"].url,
        "/escorts/",
        world["profile"].url,
        standard.url,
        "/search/",
        # The doors into the account area, which robots.txt lets crawlers read.
        "/accounts/login/",
        "/accounts/signup/",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        found = DESCRIPTION.findall(response.content.decode())
        assert len(found) == 1 and found[0].strip(), (url, found)
    # Every Wagtail page type of the site carries the SEO methods.
    for page in Page.objects.live().filter(depth__gte=2).specific():
        assert isinstance(page, SeoMixin), type(page)


# --- Previews ---------------------------------------------------------------------


@pytest.fixture
def editor_client():
    editor = UserFactory(role=Role.STAFF)
    editor.groups.add(Group.objects.get(name="Editors"))
    editor.groups.add(Group.objects.get(name="Moderators"))
    client = Client()
    login_with_mfa(client, editor)
    return client


def impression_rows() -> int:
    impressions_flush()
    return ProfileImpressionDaily.objects.count()


def city_form_data(city) -> dict:  # noqa: ANN001
    return nested_form_data(
        {
            "title": city.title,
            "slug": city.slug,
            "country": city.country,
            "country_code": city.country_code,
            "time_zone": city.time_zone,
            "latitude": str(city.latitude),
            "longitude": str(city.longitude),
            "intro": rich_text("<p>Previewed intro.</p>"),
            "body": streamfield([]),
        }
    )


def test_previewing_a_city_records_no_impressions(client, editor_client, world):
    city = world["city"]
    preview_url = f"/cms/pages/{city.pk}/edit/preview/"

    posted = editor_client.post(preview_url, city_form_data(city))
    assert posted.json()["is_valid"], posted.content
    preview = editor_client.get(preview_url)
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "Previewed intro." in html and "Amelie" in html
    revision = city.save_revision()
    assert (
        editor_client.get(
            f"/cms/pages/{city.pk}/revisions/{revision.pk}/view/"
        ).status_code
        == 200
    )
    assert impression_rows() == 0

    assert client.get(city.url).status_code == 200  # a visitor's view counts
    assert impression_rows() == 1


def test_previewing_a_profile_records_nothing(editor_client, world):
    amelie = world["profile"]
    revision = amelie.save_revision()

    preview = editor_client.get(f"/cms/pages/{amelie.pk}/revisions/{revision.pk}/view/")

    assert preview.status_code == 200 and "Amelie" in preview.content.decode()
    assert impression_rows() == 0


# --- Query counts -----------------------------------------------------------------


def test_city_index_query_count_is_constant(client, django_assert_max_num_queries):
    def add(count: int) -> None:
        for n in range(count):
            make_city(f"City {count} {n}", hero_image=CustomImageFactory())

    add(2)
    client.get("/cities/")  # renditions are generated on the first render
    with django_assert_max_num_queries(12) as small:
        assert client.get("/cities/").status_code == 200
    add(12)
    client.get("/cities/")
    with django_assert_max_num_queries(12) as large:
        assert client.get("/cities/").status_code == 200
    assert len(large) == len(small)


def test_profile_index_query_count_is_constant(
    client, berlin, django_assert_max_num_queries
):
    def add(count: int) -> None:
        for n in range(count):
            profile = make_profile(f"P {count} {n}", city=berlin)
            add_photo(profile, is_primary=True)

    add(2)
    client.get("/escorts/")
    with django_assert_max_num_queries(12) as small:
        assert client.get("/escorts/").status_code == 200
    add(20)
    client.get("/escorts/")
    with django_assert_max_num_queries(12) as large:
        assert client.get("/escorts/").status_code == 200
    assert len(large) == len(small)


def test_home_query_count_is_constant_in_featured_cities(
    client, django_assert_max_num_queries
):
    home = home_page()

    def feature(count: int) -> None:
        for n in range(count):
            city = make_city(f"Featured {count} {n}", hero_image=CustomImageFactory())
            home.featured_cities.create(city=city)

    feature(2)
    client.get("/")  # renditions are generated on the first render
    with django_assert_max_num_queries(15) as small:
        assert client.get("/").status_code == 200
    feature(8)
    client.get("/")
    with django_assert_max_num_queries(15) as large:
        assert client.get("/").status_code == 200
    assert len(large) == len(small)


# --- The moved page types in the admin ------------------------------------------------


def test_editors_edit_the_moved_page_types_in_the_admin(editor_client, world):
    home = home_page()
    home.featured_cities.create(city=world["city"])
    index = city_index_page()

    for url in (
        f"/cms/pages/{home.pk}/edit/",  # its featured-city inline moved to directory
        f"/cms/pages/{index.pk}/edit/",
        f"/cms/pages/{world['city'].pk}/edit/",
        f"/cms/pages/{world['collection'].pk}/edit/",
        f"/cms/pages/add/directory/citypage/{index.pk}/",
    ):
        assert editor_client.get(url).status_code == 200, url
    assert world["city"].specific_class.__module__ == "directory.city_pages"
    assert world["city"].content_type.app_label == "directory"
