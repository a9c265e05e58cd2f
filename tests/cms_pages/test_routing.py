"""Pages served by their URL path (cms_pages/routing.py) and the view-restriction
check from the cached private sections (cms_pages/restrictions.py): the same
answers as Wagtail's own walk and check, in fewer queries."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, PageViewRestriction, Site, get_page_models

from cms_pages.restrictions import PrivateSectionsMixin
from cms_pages.routing import _hint_key, page_for_path, page_url, routes_by_itself
from directory.models import EscortProfilePage
from tests.factories.pages import (
    city_index_page,
    home_page,
    make_city,
    make_profile,
)

pytestmark = pytest.mark.django_db


def _wagtails_route(rf, path: str) -> Page | None:
    """What Wagtail's walk down the tree finds for ``path``."""
    request = rf.get(f"/{path}")
    result = Page.route_for_request(request, path)
    return None if result is None else result.page


def test_every_page_type_is_routed_and_checked_the_short_way():
    """A page type that routes sub-paths itself would be served wrongly by the
    URL-path lookup, and one without the mixin pays Wagtail's two restriction
    queries: both are decisions to make on purpose, so this fails first."""
    ours = [model for model in get_page_models() if model is not Page]
    assert {model.__name__ for model in ours} >= {
        "HomePage",
        "CityPage",
        "EscortProfilePage",
        "StandardPage",
    }
    for model in ours:
        assert not routes_by_itself(model), model
        assert issubclass(model, PrivateSectionsMixin), model


def test_the_url_path_finds_the_page_wagtails_walk_finds(rf, berlin):
    amelie = make_profile("Amelie", city=berlin)
    for path in ("", "cities/", "cities/berlin/", "escorts/amelie/"):
        request = rf.get(f"/{path}")
        ours = page_for_path(request, path)
        assert ours == _wagtails_route(rf, path)
        assert type(ours) is type(ours.specific)  # already the specific page
    assert isinstance(page_for_path(rf.get("/"), "escorts/amelie/"), EscortProfilePage)
    assert page_for_path(rf.get("/"), "escorts/amelie/").pk == amelie.pk


def test_a_city_page_is_served_in_one_routing_query(client, berlin):
    client.get("/cities/berlin/")  # the model hint is remembered
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/cities/berlin/").status_code == 200
    routing = [q["sql"] for q in queries if '"url_path" =' in q["sql"]]
    assert len(routing) == 1
    assert "cms_pages_citypage" in routing[0]  # the specific page, at once
    # Wagtail's own restriction check (ancestors, then restrictions) is skipped.
    assert not [q for q in queries if "wagtailcore_pageviewrestriction" in q["sql"]]


def test_drafts_and_unknown_paths_answer_404(client, berlin):
    make_profile("Bea", city=berlin, live=False)
    make_city("Vienna", live=False)
    assert client.get("/escorts/bea/").status_code == 404
    assert client.get("/cities/vienna/").status_code == 404
    assert client.get("/cities/nowhere/").status_code == 404
    assert client.get("/cities/berlin/extra/").status_code == 404


def test_a_live_page_below_an_unpublished_one_is_served_as_wagtail_does(
    client, rf, berlin
):
    city_index_page().unpublish()
    # Wagtail's walk passes through the unpublished index page; so does ours.
    assert _wagtails_route(rf, "cities/berlin/") == berlin
    response = client.get("/cities/berlin/")
    assert response.status_code == 200
    assert "Berlin" in response.content.decode()


def test_a_stale_model_hint_still_finds_the_page(client, berlin):
    cache.set(_hint_key(berlin.url_path), home_page().content_type_id)
    response = client.get("/cities/berlin/")
    assert response.status_code == 200
    assert response.context["page"] == berlin
    assert cache.get(_hint_key(berlin.url_path)) == berlin.content_type_id


def test_a_hint_naming_a_removed_page_type_is_ignored(client, berlin):
    cache.set(_hint_key(berlin.url_path), 987_654)  # no such content type
    assert client.get("/cities/berlin/").status_code == 200


def test_a_renamed_page_moves_with_its_slug(client, berlin):
    assert client.get("/cities/berlin/").status_code == 200
    berlin.slug = "berlin-mitte"
    berlin.save_revision().publish()
    assert client.get("/cities/berlin/").status_code == 404
    assert client.get("/cities/berlin-mitte/").status_code == 200


def _login_required(page) -> PageViewRestriction:  # noqa: ANN001
    return PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.LOGIN
    )


def _asks_to_sign_in(response) -> bool:  # noqa: ANN001
    return response.status_code == 302 and "next=" in response["Location"]


def test_a_restriction_added_later_applies_at_once(client, berlin):
    amelie = make_profile("Amelie", city=berlin)
    assert client.get("/cities/berlin/").status_code == 200  # "nothing private" cached
    assert berlin.get_view_restrictions().count() == 0

    restriction = _login_required(city_index_page())

    assert _asks_to_sign_in(client.get("/cities/"))
    assert _asks_to_sign_in(client.get("/cities/berlin/"))  # a descendant
    assert list(berlin.get_view_restrictions()) == [restriction]
    # Elsewhere in the tree nothing changes.
    assert client.get(amelie.url).status_code == 200
    restriction.delete()
    assert client.get("/cities/berlin/").status_code == 200


def test_a_password_restriction_shows_wagtails_password_form(client, berlin):
    PageViewRestriction.objects.create(
        page=berlin, restriction_type=PageViewRestriction.PASSWORD, password="x"
    )
    response = client.get("/cities/berlin/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'type="password"' in html
    assert "Verified companions in Berlin." not in html  # the city's intro


def test_an_alias_answers_with_its_sources_restriction(client, berlin):
    source = make_city("Munich")
    client.get("/")  # the lists of private sections and aliases are cached
    alias = source.create_alias(parent=home_page(), update_slug="munich-alias")
    _login_required(source)

    assert alias.alias_of_id == source.pk
    assert list(alias.specific.get_view_restrictions()) == list(
        Page.get_view_restrictions(alias)
    )
    assert _asks_to_sign_in(client.get("/munich-alias/"))
    assert client.get("/cities/berlin/").status_code == 200


def test_page_url_is_wagtails_url_of_the_page_at_that_path(rf, berlin):
    """cms_pages.routing.page_url gives a page known by its url_path the URL its
    page object would give, with one site and with two."""
    amelie = make_profile("Amelie", city=berlin)
    pages = [home_page(), city_index_page(), berlin, amelie]

    def agree() -> list[str | None]:
        urls = []
        for host in ("testserver", "localhost"):
            for page in pages:
                request = rf.get("/", HTTP_HOST=host)
                ours = page_url(url_path=page.url_path, request=request)
                assert ours == page.get_url(request=rf.get("/", HTTP_HOST=host))
                urls.append(ours)
        return urls

    assert "/escorts/amelie/" in agree()
    # A second site: from the first, its pages are full URLs.
    other = Page.get_first_root_node().add_child(
        instance=Page(title="Other site", slug="other-site")
    )
    Site.objects.create(hostname="other.example", root_page=other)
    pages.append(other)
    assert "http://other.example/" in agree()
