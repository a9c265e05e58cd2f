"""The full-page cache (cms_pages/page_cache.py, docs/caching.md): what it
serves, to whom, with which headers; never drafts, previews, signed-in pages,
gated or maintenance pages. Invalidation: test_page_cache_invalidation.py."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import RequestFactory
from django.utils.http import http_date
from wagtail.models import Site

from cms_pages.models import SiteSettings, StandardPage
from cms_pages.page_cache import VERSION_KEY
from tests.cms_pages.conftest import visitor
from tests.factories import UserFactory
from tests.factories.pages import home_page, publish
from tests.factories.switches import switches_set
from tests.outage import Outage

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache_on")]

PUBLIC = "public, max-age=60, s-maxage=300"


@pytest.fixture(autouse=True)
def _header_lengths(settings) -> None:  # noqa: ANN001
    settings.PAGE_CACHE_MAX_AGE = 60
    settings.PAGE_CACHE_S_MAXAGE = 300


def test_the_second_anonymous_visit_is_a_hit_without_a_query(
    lisbon, clara, django_assert_num_queries
):
    first = visitor().get(lisbon.url)
    assert first.status_code == 200
    assert first["X-Page-Cache"] == "miss"
    assert "Clara" in first.content.decode()

    with django_assert_num_queries(0):
        second = visitor("198.51.100.2").get(lisbon.url)

    assert second.status_code == 200
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    assert second["Cache-Control"] == PUBLIC
    assert second["Content-Type"] == "text/html; charset=utf-8"


@pytest.mark.parametrize("kind", ["home", "city", "profile", "standard"])
def test_every_public_page_type_is_kept_with_no_token_nonce_or_cookie(
    kind, lisbon, clara
):
    """No anonymous page template renders {% csrf_token %} or a CSP nonce (they
    would reach the next visitor); the CSP header itself is added per response."""
    urls = {
        "home": "/",
        "city": lisbon.url,
        "profile": clara.url,
        "standard": _standard_page("About us").url,
    }
    miss = visitor().get(urls[kind])
    hit = visitor("198.51.100.2").get(urls[kind])

    assert (miss["X-Page-Cache"], hit["X-Page-Cache"]) == ("miss", "hit")
    for response in (miss, hit):
        html = response.content.decode()
        assert "csrfmiddlewaretoken" not in html
        assert "nonce=" not in html
        assert not response.cookies
        assert "script-src 'self'" in response["Content-Security-Policy"]
        assert response["X-Content-Type-Options"] == "nosniff"


def test_a_draft_is_never_served_and_a_preview_never_kept(lisbon, admin_user):
    visitor().get(lisbon.url)  # v1 cached
    lisbon.intro = "<p>Version two</p>"
    lisbon.save_revision(user=admin_user)  # a draft: v1 stays live

    after_draft = visitor().get(lisbon.url)
    assert after_draft["X-Page-Cache"] == "hit"
    assert "Version one" in after_draft.content.decode()
    assert "Version two" not in after_draft.content.decode()

    draft = lisbon.get_latest_revision_as_object()
    original = RequestFactory().get(f"/cms/pages/{lisbon.pk}/edit/preview/")
    original.user = admin_user
    preview = draft.make_preview_request(original_request=original)
    assert "Version two" in preview.rendered_content
    assert "no-store" in preview["Cache-Control"]
    assert "X-Page-Cache" not in preview

    still = visitor().get(lisbon.url)
    assert "Version one" in still.content.decode()
    assert "Version two" not in still.content.decode()


def test_a_signed_in_page_is_never_kept_nor_served_from_the_cache(client, lisbon):
    assert visitor().get(lisbon.url)["X-Page-Cache"] == "miss"
    member = UserFactory(display_name="Ottilie")
    client.force_login(member)

    signed_in = client.get(lisbon.url)

    assert signed_in.status_code == 200
    assert "X-Page-Cache" not in signed_in
    assert member.get_short_name() in signed_in.content.decode()
    assert "Sign out" in signed_in.content.decode()
    assert signed_in["Cache-Control"] == "private, no-cache"

    anonymous = visitor().get(lisbon.url)
    assert anonymous["X-Page-Cache"] == "hit"
    assert "Sign out" not in anonymous.content.decode()
    assert member.get_short_name() not in anonymous.content.decode()


@pytest.mark.parametrize(
    ("query", "status"),
    [("?page=2", "miss"), ("?utm_source=mail", None), ("?page=1&page=2", None)],
)
def test_only_allowed_query_parameters_are_kept(lisbon, query, status):
    first = visitor().get(lisbon.url + query)
    again = visitor().get(lisbon.url + query)

    assert first.get("X-Page-Cache") == status
    assert again.get("X-Page-Cache") == ("hit" if status else None)


def test_a_preview_query_is_not_served_from_the_cache(lisbon):
    visitor().get(lisbon.url)

    response = visitor().get(lisbon.url + "?preview=1")

    assert response.status_code == 200
    assert "X-Page-Cache" not in response


def test_a_missing_page_answers_404_and_is_not_kept(db):
    for _ in range(2):
        response = visitor().get("/no-such-page/")
        assert response.status_code == 404
        assert "X-Page-Cache" not in response


def test_conditional_get_answers_304_on_a_hit_and_a_miss(lisbon):
    first = visitor().get(lisbon.url)
    lisbon.refresh_from_db()
    etag, modified = first["ETag"], first["Last-Modified"]
    assert etag.startswith('"') and len(etag) == 34
    assert modified == http_date(
        max(lisbon.last_published_at.timestamp(), _version_time())
    )

    by_tag = visitor().get(lisbon.url, HTTP_IF_NONE_MATCH=etag)
    by_date = visitor().get(lisbon.url, HTTP_IF_MODIFIED_SINCE=modified)
    other = visitor().get(lisbon.url, HTTP_IF_NONE_MATCH='"something-else"')

    assert (by_tag.status_code, by_tag.content) == (304, b"")
    assert by_tag["ETag"] == etag
    assert by_date.status_code == 304
    assert other.status_code == 200


def test_head_is_answered_from_the_cache(lisbon):
    visitor().get(lisbon.url)

    response = visitor().head(lisbon.url)

    assert response.status_code == 200
    assert response["X-Page-Cache"] == "hit"


def test_the_age_gate_answers_before_the_cache_and_keeps_edges_out(settings, lisbon):
    settings.AGE_GATE_ENABLED = True
    _site_settings(age_gate_enabled=True, age_gate_countries="")
    confirmed = visitor()
    confirmed.post("/age-check/", {"next": lisbon.url})

    page = confirmed.get(lisbon.url)
    assert page["X-Page-Cache"] == "miss"
    # The gate decides per visitor at the origin: no shared cache may keep it.
    assert page["Cache-Control"] == "private, max-age=60"

    gated = visitor().get(lisbon.url)
    assert gated.status_code == 200
    assert "X-Page-Cache" not in gated
    assert "I am 18 or older" in gated.content.decode()
    assert "no-store" in gated["Cache-Control"]
    assert confirmed.get(lisbon.url)["X-Page-Cache"] == "hit"


def test_maintenance_mode_answers_before_the_cache(lisbon):
    visitor().get(lisbon.url)
    switches_set(maintenance_mode=True)

    response = visitor().get(lisbon.url)

    assert response.status_code == 503
    assert "X-Page-Cache" not in response


def test_pending_flash_messages_bypass_the_cache(lisbon):
    visitor().get(lisbon.url)
    person = visitor()
    session = person.session
    session["_messages"] = '[["__json_message",0,20,"Welcome back"]]'
    session.save()

    response = person.get(lisbon.url)

    assert "X-Page-Cache" not in response
    assert visitor().get(lisbon.url)["X-Page-Cache"] == "hit"


def test_without_redis_the_page_is_rendered_not_kept(lisbon):
    outage = Outage()
    outage.start()
    try:
        response = visitor().get(lisbon.url)
    finally:
        outage.end()

    assert response.status_code == 200
    assert "X-Page-Cache" not in response


def _standard_page(title: str) -> StandardPage:
    page = StandardPage(title=title, slug="about-cache", live=False)
    home_page().add_child(instance=page)
    return publish(page)


def _site_settings(**fields: object) -> SiteSettings:
    row = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    for name, value in fields.items():
        setattr(row, name, value)
    row.save()
    return row


def _version_time() -> float:
    return float(cache.get(VERSION_KEY).split("-", 1)[0])
