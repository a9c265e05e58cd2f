"""What makes cached pages stale (cms_pages/page_cache_signals.py): publish,
unpublish, profile pauses and suspensions (through the search index), site
settings and snippets; the CDN purge on publish; a hit still counts a profile
view (analytics.wagtail_hooks)."""

from __future__ import annotations

import pytest
from django.utils import timezone
from wagtail.models import Site

from analytics.flush import profile_events_flush
from analytics.models import ProfileDay
from cms_pages.models import SiteSettings
from directory.pausing import profile_pause
from moderation.decisions import decision_take
from tests.cms_pages.cdn_recorder import RecordingBackend
from tests.cms_pages.conftest import visitor
from tests.factories.pages import service
from tests.moderation.decision_world import (
    client_account,
    in_days,
    moderator,
    report_profile,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache_on")]


@pytest.fixture
def cdn(settings) -> list[str]:  # noqa: ANN001
    RecordingBackend.purged = []
    settings.WAGTAILFRONTENDCACHE = {
        "edge": {"BACKEND": "tests.cms_pages.cdn_recorder.RecordingBackend"}
    }
    return RecordingBackend.purged


def test_publishing_v2_shows_v2_at_the_next_anonymous_visit(
    lisbon, django_capture_on_commit_callbacks
):
    assert "Version one" in visitor().get(lisbon.url).content.decode()
    lisbon.intro = "<p>Version two</p>"

    with django_capture_on_commit_callbacks(execute=True):
        lisbon.save_revision().publish()

    response = visitor().get(lisbon.url)
    assert response["X-Page-Cache"] == "miss"
    assert "Version two" in response.content.decode()
    assert "Version one" not in response.content.decode()


def test_unpublishing_answers_404_and_keeps_nothing(
    clara, django_capture_on_commit_callbacks
):
    assert visitor().get(clara.url)["X-Page-Cache"] == "miss"
    url = clara.url
    clara.refresh_from_db()  # the builder's object predates its publish

    with django_capture_on_commit_callbacks(execute=True):
        clara.unpublish()

    for _ in range(2):
        response = visitor().get(url)
        assert response.status_code == 404
        assert "X-Page-Cache" not in response


def test_pausing_a_profile_drops_it_from_the_cached_city_page(
    lisbon, clara, beatriz, django_capture_on_commit_callbacks
):
    before = visitor().get(lisbon.url).content.decode()
    assert clara.url in before and beatriz.url in before

    with django_capture_on_commit_callbacks(execute=True):
        profile_pause(actor=clara.owner, profile_id=clara.pk)

    after = visitor().get(lisbon.url)
    assert after["X-Page-Cache"] == "miss"
    assert clara.url not in after.content.decode()
    assert beatriz.url in after.content.decode()


def test_suspending_an_owner_drops_the_profile_from_the_cached_city_page(
    lisbon, clara, beatriz, django_capture_on_commit_callbacks
):
    assert clara.url in visitor().get(lisbon.url).content.decode()
    report = report_profile(clara, reporter=client_account())

    with django_capture_on_commit_callbacks(execute=True):
        decision_take(
            actor=moderator(),
            report=report,
            action="suspend",
            reason_code="impersonation",
            suspend_until=in_days(30),
        )

    html = visitor().get(lisbon.url).content.decode()
    assert clara.url not in html
    assert beatriz.url in html
    assert visitor().get(clara.url).status_code == 404


def test_site_settings_and_snippets_make_pages_stale(
    lisbon, django_capture_on_commit_callbacks
):
    visitor().get(lisbon.url)
    row = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    row.site_name = "Maison Nocturne"
    with django_capture_on_commit_callbacks(execute=True):
        row.save()
    renamed = visitor().get(lisbon.url)
    assert renamed["X-Page-Cache"] == "miss"
    assert "Maison Nocturne" in renamed.content.decode()

    assert visitor().get(lisbon.url)["X-Page-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        service("Opera evenings")
    assert visitor().get(lisbon.url)["X-Page-Cache"] == "miss"


def test_saving_a_draft_keeps_the_cache(clara):
    visitor().get(clara.url)
    clara.tagline = "A draft tagline"
    clara.save_revision(user=clara.owner)

    assert visitor().get(clara.url)["X-Page-Cache"] == "hit"


def test_a_hit_still_counts_a_profile_view(clara):
    first = visitor("203.0.113.10").get(clara.url)
    second = visitor("203.0.113.11").get(clara.url)
    repeat = visitor("203.0.113.11").get(clara.url)

    assert [r["X-Page-Cache"] for r in (first, second, repeat)] == [
        "miss",
        "hit",
        "hit",
    ]
    profile_events_flush()
    day = ProfileDay.objects.get(profile=clara, day=timezone.localdate())
    assert day.views == 2  # one per visitor and day, cached or not


def test_publish_and_unpublish_purge_the_page_and_its_listings_at_the_cdn(
    cdn, lisbon, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        lisbon.save_revision().publish()
    assert lisbon.get_full_url() in cdn
    assert lisbon.get_parent().get_full_url() in cdn  # the city index lists it

    cdn.clear()
    lisbon.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        lisbon.unpublish()
    assert lisbon.get_full_url() in cdn


def test_without_a_cdn_configured_nothing_is_purged(
    settings, lisbon, django_capture_on_commit_callbacks
):
    RecordingBackend.purged = []
    settings.WAGTAILFRONTENDCACHE = {}
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        lisbon.save_revision().publish()
    assert RecordingBackend.purged == []
    assert callbacks  # the content version still moved on
