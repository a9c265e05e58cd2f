"""Impressions counted in Redis reach the daily rows exactly once, however often
the flush runs and whatever is recorded while it runs; the exposure report on a
hand-built fixture: a provider's share of first-page impressions in their home city
and band against 1 / live profiles in that band."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import Role
from directory.models import Agency, AgencyMembership
from search import impressions
from search.exposure import exposure_for_profile
from search.impressions import impressions_flush, impressions_record
from search.models import ProfileImpressionDaily
from search.tasks import flush_impressions
from tests.assertions import assert_error_shape
from tests.factories import UserFactory
from tests.factories.pages import EscortOwnerFactory, make_city, make_profile
from tests.factories.search import live_city, live_profile

pytestmark = pytest.mark.django_db


@pytest.fixture
def city():
    return make_city("Lisbon", slug="lisbon-impr")


@pytest.fixture
def profiles(city):
    return [make_profile(f"Profile {n}", city=city, slug=f"impr-{n}") for n in range(3)]


def rows() -> dict[int, tuple[int, int, int]]:
    return {
        r.profile_id: (r.impressions, r.first_page, r.position_sum)
        for r in ProfileImpressionDaily.objects.filter(day=timezone.localdate())
    }


def test_recorded_impressions_flush_into_exact_daily_rows(city, profiles):
    a, b, c = (p.pk for p in profiles)
    impressions_record(city_id=city.pk, profile_ids=[a, b], offset=0)
    impressions_record(city_id=city.pk, profile_ids=[b, a], offset=0)
    impressions_record(city_id=city.pk, profile_ids=[c], offset=20)

    assert flush_impressions.delay().get() == 3

    # a: positions 1 + 2; b: 2 + 1; c: first on page 2 = position 21.
    assert rows() == {a: (2, 2, 3), b: (2, 2, 3), c: (1, 0, 21)}
    row = ProfileImpressionDaily.objects.get(profile_id=a)
    assert (row.city_id, row.day) == (city.pk, timezone.localdate())


def test_flushing_twice_does_not_double_count(city, profiles):
    a = profiles[0].pk
    impressions_record(city_id=city.pk, profile_ids=[a], offset=0)

    assert impressions_flush() == 1
    assert impressions_flush() == 0

    assert rows() == {a: (1, 1, 1)}


def test_record_flush_record_flush_adds_up(city, profiles):
    a, b = profiles[0].pk, profiles[1].pk
    impressions_record(city_id=city.pk, profile_ids=[a, b], offset=0)
    impressions_flush()
    impressions_record(city_id=city.pk, profile_ids=[b, a], offset=0)
    impressions_record(city_id=city.pk, profile_ids=[a], offset=40)
    impressions_flush()

    assert rows() == {a: (3, 2, 1 + 2 + 41), b: (2, 2, 3)}


def test_records_arriving_during_a_flush_wait_for_the_next(city, profiles, monkeypatch):
    a = profiles[0].pk
    apply = impressions._apply

    def record_while_flushing(**kwargs):  # noqa: ANN003
        # After the claim, before the rows are written: a visitor sees the page.
        impressions_record(city_id=city.pk, profile_ids=[a], offset=0)
        apply(**kwargs)

    impressions_record(city_id=city.pk, profile_ids=[a], offset=0)
    monkeypatch.setattr(impressions, "_apply", record_while_flushing)
    impressions_flush()
    assert rows() == {a: (1, 1, 1)}

    monkeypatch.setattr(impressions, "_apply", apply)
    impressions_flush()
    assert rows() == {a: (2, 2, 2)}


def test_a_failed_flush_keeps_its_counts_for_the_next_one(city, profiles, monkeypatch):
    a = profiles[0].pk
    impressions_record(city_id=city.pk, profile_ids=[a], offset=0)

    def fail(**kwargs):  # noqa: ANN003
        raise RuntimeError("database went away")

    apply = impressions._apply
    monkeypatch.setattr(impressions, "_apply", fail)
    with pytest.raises(RuntimeError):
        impressions_flush()
    assert rows() == {}

    # Newer counts wait in a fresh hash while the claimed one is retried first.
    impressions_record(city_id=city.pk, profile_ids=[a], offset=20)
    monkeypatch.setattr(impressions, "_apply", apply)
    impressions_flush()
    assert rows() == {a: (1, 1, 1)}
    impressions_flush()
    assert rows() == {a: (2, 1, 1 + 21)}


def test_a_running_flush_holds_off_a_second_one(city, profiles):
    a = profiles[0].pk
    impressions_record(city_id=city.pk, profile_ids=[a], offset=0)
    client = impressions._redis()
    client.set(f"{impressions._prefix()}:flush-lock", "other", ex=60)

    assert impressions_flush() == 0
    assert rows() == {}


def test_impressions_of_a_deleted_profile_are_dropped(city, profiles):
    a, b = profiles[0].pk, profiles[1].pk
    impressions_record(city_id=city.pk, profile_ids=[a, b], offset=0)
    profiles[1].delete()

    impressions_flush()

    assert rows() == {a: (1, 1, 1)}


# --- Exposure report ---

URL = "/api/v1/me/exposure"


@pytest.fixture
def world():
    porto = live_city("Porto", slug="porto-exposure")
    braga = live_city("Braga", slug="braga-exposure")
    agency = Agency.objects.create(name="Quiet Harbour", slug="quiet-harbour")
    alice = EscortOwnerFactory()
    a = live_profile("Alba", city=porto, owner=alice, agency=agency, slug="alba")
    b = live_profile("Bruna", city=porto, agency=agency, slug="bruna")
    c = live_profile("Clara", city=porto, slug="clara")
    v = live_profile("Vera", city=porto, is_vip=True, slug="vera")
    # A draft is not live: it neither counts as a peer nor takes a share.
    make_profile("Dora", city=porto, live=False, slug="dora")
    today = timezone.localdate()
    ago = lambda days: today - dt.timedelta(days=days)  # noqa: E731
    for profile, city, day, shown, first_page, position_sum in [
        (a, porto, today, 12, 10, 30),
        (a, porto, ago(3), 8, 5, 20),
        (a, porto, ago(10), 200, 100, 300),  # before the 7-day period
        (a, braga, today, 60, 50, 60),  # not the home city
        (b, porto, today, 30, 25, 90),
        (c, porto, ago(6), 20, 20, 40),
        (v, porto, today, 40, 40, 40),  # the VIP band
    ]:
        ProfileImpressionDaily.objects.create(
            profile=profile,
            city=city,
            day=day,
            impressions=shown,
            first_page=first_page,
            position_sum=position_sum,
        )
    return {
        "porto": porto,
        "agency": agency,
        "alice": alice,
        "a": a,
        "b": b,
        "c": c,
        "v": v,
    }


def test_exposure_is_the_share_of_the_band_against_one_over_its_size(world):
    report = exposure_for_profile(profile=world["a"], days=7)

    assert report["band"] == "standard"
    assert report["city_id"] == world["porto"].pk
    assert report["impressions"] == 20
    assert report["first_page_impressions"] == 15
    assert report["average_position"] == 2.5
    assert report["band_first_page_impressions"] == 15 + 25 + 20
    assert report["city_first_page_impressions"] == 15 + 25 + 20 + 40
    assert report["live_profiles_in_band"] == 3
    assert report["share"] == 0.25
    assert report["fair_share"] == 0.3333
    assert report["ratio"] == 0.75
    assert report["period_end"] - report["period_start"] == dt.timedelta(days=6)


def test_a_longer_period_takes_in_older_days(world):
    report = exposure_for_profile(profile=world["a"], days=30)

    assert report["first_page_impressions"] == 115
    assert report["share"] == round(115 / 160, 4)


def test_a_vip_is_measured_inside_the_vip_band(world):
    report = exposure_for_profile(profile=world["v"], days=7)

    assert (report["band"], report["live_profiles_in_band"]) == ("vip", 1)
    assert (report["share"], report["fair_share"], report["ratio"]) == (1.0, 1.0, 1.0)


def test_the_owner_reads_their_own_report(api_client, world):
    api_client.force_authenticate(world["alice"])

    response = api_client.get(URL)

    assert response.status_code == 200
    body = response.json()
    assert body["profile_id"] == world["a"].pk
    assert (body["share"], body["fair_share"], body["ratio"]) == (0.25, 0.3333, 0.75)


def test_an_agency_manager_reads_the_agencys_profiles_only(api_client, world):
    manager = UserFactory(role=Role.ESCORT)
    AgencyMembership.objects.create(
        agency=world["agency"], user=manager, role=AgencyMembership.Role.MANAGER
    )
    api_client.force_authenticate(manager)

    response = api_client.get(URL, {"profile": world["b"].pk})
    assert response.status_code == 200
    assert response.json()["first_page_impressions"] == 25

    assert_error_shape(api_client.get(URL, {"profile": world["c"].pk}), 404)


def test_nobody_else_sees_a_report(api_client, world, client_user):
    api_client.force_authenticate(world["alice"])
    assert_error_shape(api_client.get(URL, {"profile": world["c"].pk}), 404)

    api_client.force_authenticate(client_user)
    assert_error_shape(api_client.get(URL), 404)
    assert_error_shape(api_client.get(URL, {"profile": world["a"].pk}), 404)

    api_client.force_authenticate(None)
    assert api_client.get(URL).status_code in (401, 403)


@pytest.mark.parametrize("query", [{"days": 0}, {"days": 91}, {"profile": "x"}])
def test_bad_parameters_answer_400(api_client, world, query):
    api_client.force_authenticate(world["alice"])

    assert_error_shape(api_client.get(URL, query), 400)


# --- Where impressions come from ---


def test_a_city_search_counts_each_page_with_its_positions(api_client):
    city = live_city("Faro", slug="faro-impr")
    ids = [live_profile(f"Faro {n}", city=city, slug=f"faro-{n}").pk for n in range(3)]
    other = live_city("Evora", slug="evora-impr")
    live_profile("Elsewhere", city=other, slug="elsewhere")

    first = api_client.get("/api/v1/search", {"city": city.pk, "page_size": 2})
    second = api_client.get(
        "/api/v1/search",
        {"city": city.pk, "page_size": 2, "cursor": first.json()["next"]},
    )
    api_client.get("/api/v1/search", {"q": "Faro"})  # no city: not a city's page
    impressions_flush()

    page_one = [r["id"] for r in first.json()["results"]]
    page_two = [r["id"] for r in second.json()["results"]]
    assert sorted(page_one + page_two) == sorted(ids)
    expected = {pid: (1, 1, n + 1) for n, pid in enumerate(page_one)}
    expected[page_two[0]] = (1, 0, 3)
    assert rows() == expected
    assert set(ProfileImpressionDaily.objects.values_list("city_id", flat=True)) == {
        city.pk
    }


def test_the_html_search_page_counts_a_city_search(client):
    city = live_city("Braga", slug="braga-impr")
    profile = live_profile("Beatriz", city=city, slug="beatriz-impr")

    response = client.get("/search/", {"city": city.pk})
    impressions_flush()

    assert response.status_code == 200
    assert rows() == {profile.pk: (1, 1, 1)}


def test_a_city_page_counts_its_listed_profiles(client):
    city = live_city("Coimbra", slug="coimbra-impr")
    shown = {
        live_profile(f"C {n}", city=city, slug=f"coimbra-{n}").pk for n in range(2)
    }

    assert client.get(city.url).status_code == 200
    assert client.get(city.url, {"page": "2"}).status_code == 200  # one page only
    impressions_flush()

    counts = rows()
    assert set(counts) == shown
    # "?page=2" beyond the last page shows page 1 again: counted as page 1.
    assert sorted(c[:2] for c in counts.values()) == [(2, 2), (2, 2)]
    assert sorted(c[2] for c in counts.values()) == [2, 4]
