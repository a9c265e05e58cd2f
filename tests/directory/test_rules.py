"""One home per business rule (issue 10, finding 2; docs/architecture.md, "One
home per rule"): every place that applies a rule gives the same answer, because
they all call the same function."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from wagtail.models import PageViewRestriction

from accounts.models import Role
from bookings.models import Booking
from bookings.selectors import bookings_visible_to
from bookings.services import is_provider_of
from directory.models import (
    Agency,
    AgencyMembership,
    EscortProfilePage,
    ProfileTour,
    public_tours_of,
)
from directory.selectors import (
    profile_card_list,
    profile_provider_users,
    profile_public_list,
    profiles_editable_by,
)
from messaging.models import Thread
from messaging.selectors import threads_for
from search.indexer import search_documents_refresh
from search.models import ProfileSearchDocument
from tests.factories import UserFactory
from tests.factories.bookings import bookable_profile, local_time, request_booking
from tests.factories.pages import add_tour, make_city, make_profile

pytestmark = pytest.mark.django_db


# --- "This profile may be shown" ------------------------------------------------


@pytest.fixture
def profiles() -> dict[str, EscortProfilePage]:
    berlin = make_city("Berlin", slug="berlin-rules")
    made = {
        name: make_profile(name, city=berlin)
        for name in ("Shown", "Suspended", "Unverified", "Inactive", "Restricted")
    }
    made["Draft"] = make_profile("Draft", city=berlin, live=False)
    for name, field, value in (
        ("Suspended", "is_suspended", True),
        ("Unverified", "is_age_verified", False),
        ("Inactive", "is_active", False),
    ):
        # Flipped on the row, past the services: the page stays live for a
        # moment, and every reader must hide it meanwhile.
        type(made[name].owner).objects.filter(pk=made[name].owner_id).update(
            **{field: value}
        )
    PageViewRestriction.objects.create(
        page=made["Restricted"],
        restriction_type=PageViewRestriction.PASSWORD,
        password="members-only",
    )
    return made


def test_every_reader_shows_the_same_profiles(api_client, profiles) -> None:
    # Before: the indexer ignored view restrictions, so search listed a
    # password-protected profile that the pages, v1 and v2 hide.
    ids = [p.pk for p in profiles.values()]
    search_documents_refresh(profile_ids=ids)
    v1 = api_client.get("/api/v1/escorts").json()["results"]
    v2 = api_client.get(
        "/api/v2/pages/?type=directory.EscortProfilePage&limit=50"
    ).json()["items"]

    expected = {profiles["Shown"].pk}
    assert set(EscortProfilePage.objects.showable().values_list("pk", flat=True)) == (
        expected
    )
    assert {p.pk for p in profile_public_list()} == expected
    assert {p.pk for p in profile_card_list()} == expected
    assert set(ProfileSearchDocument.objects.values_list("profile_id", flat=True)) == (
        expected
    )
    assert {item["id"] for item in v1} == expected
    assert {item["id"] for item in v2} == expected


def test_the_owner_filter_agrees_with_the_owner_property(profiles) -> None:
    from accounts.models import User
    from accounts.selectors import may_have_live_profile_q

    owners = User.objects.filter(pk__in=[p.owner_id for p in profiles.values()])
    by_filter = set(
        owners.filter(may_have_live_profile_q()).values_list("pk", flat=True)
    )
    by_property = {user.pk for user in owners if user.may_have_live_profile}
    assert by_filter == by_property
    assert len(by_property) == 3  # Shown, Restricted, Draft


# --- "Which tours the public sees" -------------------------------------------------


def test_tour_queryset_and_in_memory_filter_agree() -> None:
    berlin = make_city("Berlin", slug="berlin-tours-rule")
    paris = make_city("Paris", slug="paris-tours-rule", time_zone="Europe/Paris")
    profile = make_profile("Tourer", city=berlin)
    today = timezone.localdate()
    day = dt.timedelta(days=1)
    cases = {
        "finished": (today - 9 * day, today - day, False),
        "ends today": (today - 2 * day, today, False),
        "under way": (today - day, today + day, False),
        "coming": (today + 3 * day, today + 5 * day, False),
        "private now": (today - day, today + day, True),
        "private later": (today + 3 * day, today + 4 * day, True),
    }
    tours = {
        name: add_tour(profile, city=paris, starts_on=a, ends_on=b, is_private=p)
        for name, (a, b, p) in cases.items()
    }
    names = {tour.pk: name for name, tour in tours.items()}

    public_db = {names[t.pk] for t in ProfileTour.objects.public(today=today)}
    public_memory = {names[t.pk] for t in public_tours_of(tours.values(), today=today)}
    touring = {names[t.pk] for t in ProfileTour.objects.touring_on(day=today)}

    assert public_db == public_memory == {"ends today", "under way", "coming"}
    assert touring == {"ends today", "under way"}
    # The v2 field reads the same rule.
    fresh = EscortProfilePage.objects.get(pk=profile.pk)
    assert [(t["starts_on"], t["ends_on"]) for t in fresh.public_tours] == [
        (cases[name][0], cases[name][1])
        for name in ("ends today", "under way", "coming")
    ]


# --- "Provider side of a profile" ---------------------------------------------------


def test_every_reader_agrees_on_the_provider_side() -> None:
    berlin = make_city("Berlin", slug="berlin-side")
    agency, other_agency = (
        Agency.objects.create(name=name, slug=name.lower())
        for name in ("Velvet", "Other")
    )
    profile = bookable_profile("Side", city=berlin)
    EscortProfilePage.objects.filter(pk=profile.pk).update(agency=agency)
    profile = EscortProfilePage.objects.get(pk=profile.pk)
    people = {
        "owner": profile.owner,
        "agency owner": UserFactory(role=Role.AGENCY),
        "agency manager": UserFactory(role=Role.AGENCY),
        "other agency": UserFactory(role=Role.AGENCY),
        "stranger": UserFactory(),
    }
    for name, agency_of, role in (
        ("agency owner", agency, AgencyMembership.Role.OWNER),
        ("agency manager", agency, AgencyMembership.Role.MANAGER),
        ("other agency", other_agency, AgencyMembership.Role.OWNER),
    ):
        AgencyMembership.objects.create(agency=agency_of, user=people[name], role=role)
    booking = request_booking(profile, start=local_time(berlin, days=2, hour=12))
    thread = Thread.objects.create(client=booking.client, profile=profile)
    provider_side = {"owner", "agency owner", "agency manager"}

    def side(check) -> set[str]:  # noqa: ANN001
        return {name for name, user in people.items() if check(user)}

    assert (
        side(lambda u: profiles_editable_by(user=u).filter(pk=profile.pk).exists())
        == provider_side
    )
    assert side(lambda u: is_provider_of(user=u, profile_id=profile.pk)) == (
        provider_side
    )
    assert (
        side(lambda u: bookings_visible_to(user=u).filter(pk=booking.pk).exists())
        == provider_side
    )
    assert side(lambda u: threads_for(user=u).filter(pk=thread.pk).exists()) == (
        provider_side
    )
    reverse = set(profile_provider_users(profile=profile))
    assert {n for n, u in people.items() if u in reverse} == provider_side
    # No duplicate rows for a user who is both owner and agency member.
    AgencyMembership.objects.create(
        agency=agency, user=profile.owner, role=AgencyMembership.Role.MANAGER
    )
    assert profiles_editable_by(user=profile.owner).count() == 1
    assert Booking.objects.count() == 1


# --- "A private tour's days are not bookable", through every reader ---------------


def test_a_private_tour_reaches_no_public_reader(api_client) -> None:
    berlin = make_city("Berlin", slug="berlin-private")
    zurich = make_city("Zurich", slug="zurich-private", time_zone="Europe/Zurich")
    profile = bookable_profile("Hidden Trip", city=berlin)
    today = timezone.localdate()
    add_tour(profile, city=zurich, starts_on=today, ends_on=today, is_private=True)
    search_documents_refresh(profile_ids=[profile.pk])

    page = api_client.get(profile.get_url()).content.decode()
    v1 = api_client.get(f"/api/v1/escorts/{profile.pk}").json()
    v2 = api_client.get(f"/api/v2/pages/{profile.pk}/").json()
    city_page = api_client.get(zurich.get_url()).content.decode()

    assert "Zurich" not in page
    assert v1["tours"] == [] and v2["public_tours"] == []
    assert "Hidden Trip" not in city_page
    document = ProfileSearchDocument.objects.get(profile_id=profile.pk)
    assert document.touring_city_ids == []
