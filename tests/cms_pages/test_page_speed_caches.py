"""What the public pages read from the cache instead of the database
(docs/page-speed.md) is never stale: the private sections (view restrictions)
behind ``public()``, and the city filter form's services and languages. Each test
warms the cache first, then changes the data and asserts the next read sees it."""

from __future__ import annotations

import pytest
from wagtail.models import PageViewRestriction

from cms_pages.restrictions import private_sections
from directory.models import CityPage, EscortProfilePage, Service
from directory.selectors import city_list, profile_card_list
from tests.factories.pages import (
    add_photo,
    city_index_page,
    language,
    make_city,
    make_profile,
    service,
)

pytestmark = pytest.mark.django_db


def _restrict(page) -> PageViewRestriction:  # noqa: ANN001
    return PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )


def test_a_new_restriction_hides_the_section_at_once(berlin):
    amelie = make_profile("Amelie", city=berlin)
    assert set(city_list()) == {berlin}  # the cache now holds "no private section"
    assert amelie in profile_card_list()

    restriction = _restrict(berlin)

    assert list(city_list()) == []
    # The profile page lives elsewhere in the tree: still public.
    assert amelie in profile_card_list()
    restriction.delete()
    assert list(city_list()) == [berlin]


def test_a_restricted_parent_hides_its_descendants_not_its_siblings(berlin):
    paris = make_city("Paris", country="France", country_code="FR")
    assert set(city_list()) == {berlin, paris}
    _restrict(city_index_page())
    assert list(city_list()) == []
    # The same filter as Wagtail's own public(), from the cached paths.
    ours = set(CityPage.objects.live().public())
    wagtails = set(CityPage.objects.live().exclude(_wagtail_private_q()))
    assert ours == wagtails == set()
    assert private_sections() == [(city_index_page().path, city_index_page().depth)]


def _wagtail_private_q():  # noqa: ANN202
    from wagtail.query import PageQuerySet

    return PageQuerySet(CityPage).private_q()


def test_a_moved_page_takes_its_restriction_along(berlin):
    paris = make_city("Paris", country="France", country_code="FR")
    _restrict(paris)
    assert list(city_list()) == [berlin]
    # Paris moves to the first place among the cities: its path changes, and
    # the cached path must follow it.
    paris.move(city_index_page(), pos="first-child")
    paris.refresh_from_db()
    assert (paris.path, paris.depth) in private_sections()
    assert list(city_list()) == [berlin]


def test_profiles_of_a_restricted_page_leave_the_listings(berlin):
    amelie = make_profile("Amelie", city=berlin)
    add_photo(amelie, is_primary=True)
    assert list(profile_card_list()) == [amelie]
    _restrict(amelie)
    assert list(profile_card_list()) == []
    assert not EscortProfilePage.objects.showable().exists()


def test_the_city_filter_form_lists_a_new_service(client, berlin):
    service("Dinner dates")
    language("en", "English")
    first = client.get(berlin.url).content.decode()
    assert 'value="dinner-dates"' in first
    assert 'value="theatre"' not in first

    service("Theatre")
    renamed = Service.objects.get(slug="dinner-dates")
    renamed.name = "Fine dining"
    renamed.save()

    html = client.get(berlin.url).content.decode()
    assert 'value="theatre"> Theatre' in html
    assert "Fine dining" in html and "Dinner dates" not in html
    assert 'value="en"> English' in html


def test_the_city_filter_form_drops_a_deleted_language(client, berlin):
    language("fr", "French")
    assert 'value="fr"' in client.get(berlin.url).content.decode()
    language("fr", "French").delete()
    assert 'value="fr"' not in client.get(berlin.url).content.decode()
