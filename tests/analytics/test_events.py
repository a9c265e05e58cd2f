"""Profile events on the request path (docs/analytics.md, "Events and
aggregates"): a scripted day of page views and beacons gives exact counts after
the flush; bots, prefetches and the provider side are left out; one visitor
counts once a day; bad input answers 4xx in the error shape; Redis down costs
the counts, never the page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from rest_framework.throttling import ScopedRateThrottle

from accounts.models import Role
from analytics import visitors
from analytics.flush import profile_events_flush
from analytics.models import ProfileDay
from analytics.recording import EventKind
from core.cache import _paused_until
from directory.models import Agency, AgencyMembership
from tests.assertions import assert_error_shape
from tests.factories import UserFactory
from tests.factories.pages import make_profile
from tests.factories.search import live_city
from tests.mfa import login_with_mfa
from tests.outage import Outage

pytestmark = pytest.mark.django_db

URL = "/api/v1/analytics/events"
BROWSER = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.4 Safari/605.1.15"
)
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"


@pytest.fixture
def agency():
    return Agency.objects.create(name="Velvet Hours", slug="velvet-hours-events")


@pytest.fixture
def profile(agency):
    city = live_city("Vienna", slug="vienna-events")
    return make_profile("Elena", city=city, agency=agency, slug="elena-events")


def visitor(address: str, agent: str = BROWSER, **headers: str) -> Client:
    return Client(REMOTE_ADDR=address, HTTP_USER_AGENT=agent, **headers)


def figures(profile) -> tuple[int, int, int]:  # noqa: ANN001
    profile_events_flush()
    row = ProfileDay.objects.filter(profile=profile, day=timezone.localdate()).first()
    return (row.views, row.gallery_opens, row.contact_clicks) if row else (0, 0, 0)


def beacon(client: Client, profile_id, kind: str):  # noqa: ANN001, ANN201
    return client.post(
        URL, {"profile": profile_id, "kind": kind}, content_type="application/json"
    )


def test_a_scripted_day_of_views_counts_each_person_once(profile, agency):
    manager = UserFactory(role=Role.ESCORT)
    AgencyMembership.objects.create(agency=agency, user=manager, role="manager")
    owner_client, manager_client = visitor("10.0.0.8"), visitor("10.0.0.9")
    owner_client.force_login(profile.owner)
    manager_client.force_login(manager)
    browsers = [visitor("10.0.0.1"), visitor("10.0.0.2"), visitor("10.0.0.3")]
    left_out = [
        visitor("66.249.66.1", GOOGLEBOT),
        Client(REMOTE_ADDR="10.0.0.4"),  # no User-Agent at all
        visitor("10.0.0.5", HTTP_SEC_PURPOSE="prefetch;prerender"),
        visitor("10.0.0.6", HTTP_PURPOSE="prefetch"),
        owner_client,
        manager_client,
    ]

    for client in [*browsers, *([browsers[0]] * 4), *left_out]:
        assert client.get(profile.url).status_code == 200

    assert figures(profile) == (3, 0, 0)


def test_a_visitor_is_told_apart_by_address_and_browser_not_by_cookie(profile):
    visitor("10.0.1.1").get(profile.url)
    visitor("10.0.1.1").get(profile.url)  # a new session, the same person
    visitor("10.0.1.1", BROWSER.replace("17.4", "17.5")).get(profile.url)

    assert figures(profile) == (2, 0, 0)


def test_views_on_the_next_day_count_again(profile, monkeypatch):
    client = visitor("10.0.2.1")
    client.get(profile.url)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: tomorrow)
    client.get(profile.url)
    profile_events_flush()

    days = dict(ProfileDay.objects.filter(profile=profile).values_list("day", "views"))
    assert days == {tomorrow - dt.timedelta(days=1): 1, tomorrow: 1}


def test_the_daily_salt_differs_by_day_and_hashes_differ_by_profile():
    today = timezone.localdate()
    first = visitors.daily_salt(day=today)
    assert first == visitors.daily_salt(day=today)
    assert first != visitors.daily_salt(day=today + dt.timedelta(days=1))
    same = {"salt": first, "address": "10.1.1.1", "user_agent": BROWSER}
    assert visitors.visitor_hash(profile_id=1, kind="view", **same) != (
        visitors.visitor_hash(profile_id=2, kind="view", **same)
    )


def test_the_salt_lives_in_redis_only_for_two_days(profile):
    visitor("10.0.3.1").get(profile.url)
    client = visitors.cache._cache.get_client(write=True)
    keys = list(client.scan_iter(match="*analytics:visitor-salt:*"))
    assert len(keys) >= 1
    assert 0 < client.ttl(keys[0]) <= visitors.SALT_TTL_SECONDS


def test_beacons_count_gallery_opens_and_contact_clicks_once_per_visitor(profile):
    one, two = visitor("10.0.4.1"), visitor("10.0.4.2")
    for client in (one, one, two):
        assert beacon(client, profile.pk, "gallery_open").status_code == 202
    assert beacon(one, profile.pk, "contact_click").status_code == 202
    assert beacon(one, profile.pk, "contact_click").status_code == 202
    assert beacon(two, profile.pk, "view").status_code == 202  # headless frontends

    assert figures(profile) == (1, 2, 1)


def test_a_beacon_from_the_owner_needs_no_csrf_token_and_does_not_count(profile):
    owner = Client(enforce_csrf_checks=True, REMOTE_ADDR="10.0.5.1")
    owner.defaults["HTTP_USER_AGENT"] = BROWSER
    owner.force_login(profile.owner)

    assert beacon(owner, profile.pk, "contact_click").status_code == 202
    assert figures(profile) == (0, 0, 0)


def test_a_beacon_from_a_bot_is_accepted_and_not_counted(profile):
    bot = visitor("66.249.66.2", GOOGLEBOT)
    assert beacon(bot, profile.pk, "view").status_code == 202
    assert figures(profile) == (0, 0, 0)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"profile": 1, "kind": "purchase"}, "kind"),
        ({"profile": "abc", "kind": "view"}, "profile"),
        ({"profile": -4, "kind": "view"}, "profile"),
        ({"profile": 10**30, "kind": "view"}, "profile"),
        ({"kind": "view"}, "profile"),
        ({"profile": 1}, "kind"),
    ],
)
def test_bad_events_answer_400_naming_the_field(body, field):
    response = visitor("10.0.6.1").post(URL, body, content_type="application/json")
    error = assert_error_shape(response, 400, "validation_error")
    assert field in error["fields"]


def test_a_body_that_is_not_json_answers_400():
    response = visitor("10.0.6.2").post(URL, "profile=1", content_type="text/plain")
    assert response.status_code in (400, 415)
    assert_error_shape(response, response.status_code)


def test_unknown_or_unpublished_profiles_answer_404(profile):
    draft = make_profile(
        "Draft", city=profile.home_city, live=False, slug="draft-events"
    )
    for profile_id in (profile.pk + 10_000, draft.pk):
        response = beacon(visitor("10.0.7.1"), profile_id, "view")
        assert_error_shape(response, 404, "not_found")
    assert ProfileDay.objects.count() == 0


def test_only_post_is_allowed(profile):
    assert_error_shape(visitor("10.0.7.2").get(URL), 405)


def test_events_are_throttled_per_address(profile, monkeypatch):
    monkeypatch.setitem(ScopedRateThrottle.THROTTLE_RATES, "analytics_events", "2/min")
    client = visitor("10.0.8.1")
    assert beacon(client, profile.pk, "view").status_code == 202
    assert beacon(client, profile.pk, "view").status_code == 202
    assert_error_shape(beacon(client, profile.pk, "view"), 429, "throttled")


def test_an_event_costs_a_bounded_number_of_queries(
    profile, django_assert_max_num_queries
):
    client = visitor("10.0.9.1")
    with django_assert_max_num_queries(2):  # the profile lookup, maybe a session
        assert beacon(client, profile.pk, "gallery_open").status_code == 202


def test_the_endpoint_is_in_the_openapi_schema():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    operation = schema["paths"]["/api/v1/analytics/events"]["post"]
    assert {"202", "400", "404", "429"} <= set(operation["responses"])
    kinds = schema["components"]["schemas"]["ProfileEventKindEnum"]["enum"]
    assert kinds == EventKind.values


def test_redis_down_the_page_still_serves_and_nothing_counts(profile):
    outage = Outage()
    outage.start()
    try:
        visitors._salt_memo.clear()
        assert visitor("10.0.10.1").get(profile.url).status_code == 200
        response = beacon(visitor("10.0.10.2"), profile.pk, "contact_click")
        assert response.status_code == 202
    finally:
        outage.end()
    assert figures(profile) == (0, 0, 0)
    # Back up: counting resumes without a restart.
    visitors._salt_memo.clear()
    _paused_until.clear()
    assert visitor("10.0.10.3").get(profile.url).status_code == 200
    assert figures(profile) == (1, 0, 0)


def test_the_page_carries_the_beacon_script_for_visitors_only(profile):
    page = visitor("10.0.11.1").get(profile.url).content.decode()
    assert f'data-profile-events="{profile.pk}"' in page
    assert 'data-events-url="/api/v1/analytics/events"' in page
    assert "js/profile-events" in page
    assert page.count("data-profile-contact") >= 1

    owner = visitor("10.0.11.2")
    owner.force_login(profile.owner)
    assert "data-profile-events" not in owner.get(profile.url).content.decode()


def test_a_staff_preview_is_not_a_view(profile):
    editor = UserFactory(role=Role.STAFF)
    editor.groups.add(Group.objects.get(name="Editors"))
    editor.groups.add(Group.objects.get(name="Moderators"))
    staff = visitor("10.0.12.1")
    login_with_mfa(staff, editor)
    revision = profile.save_revision()

    preview = staff.get(f"/cms/pages/{profile.pk}/revisions/{revision.pk}/view/")

    assert preview.status_code == 200
    assert profile.title in preview.content.decode()
    assert figures(profile) == (0, 0, 0)
