"""Staff activity (docs/agency-tools.md): per staff member, booking moves,
assignments taken and handled, messages and the median first reply, for the
agency's own profiles only; owners and managers only; 7/30/90 days; CSV; a
constant number of queries."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import Role, User
from analytics.staff_activity import staff_activity
from bookings.services import booking_act, booking_assign
from directory.models import Agency, AgencyMembership
from messaging.models import Message
from messaging.services import message_send, thread_start
from tests.factories import UserFactory
from tests.factories.bookings import bookable_profile, local_time, request_booking
from tests.factories.pages import EscortOwnerFactory, make_city

pytestmark = pytest.mark.django_db


def _agency(name: str) -> tuple[Agency, User]:
    agency = Agency.objects.create(name=name, slug=name.lower())
    owner = UserFactory(role=Role.AGENCY, display_name=f"{name} owner")
    AgencyMembership.objects.create(agency=agency, user=owner, role="owner")
    return agency, owner


def _member(agency: Agency, name: str) -> User:
    user = UserFactory(role=Role.AGENCY, display_name=name)
    AgencyMembership.objects.create(agency=agency, user=user, role="manager")
    return user


def _listed_profile(agency: Agency, title: str, city):  # noqa: ANN001, ANN202
    profile = bookable_profile(title, city=city, owner=EscortOwnerFactory())
    profile.agency = agency
    profile.save(update_fields=["agency"])
    return profile


@pytest.fixture
def city():  # noqa: ANN201
    return make_city("Vienna", country="Austria", time_zone="Europe/Vienna")


@pytest.fixture
def world(city):  # noqa: ANN001, ANN201
    agency, owner = _agency("Velvet")
    sofia = _member(agency, "Sofia")
    profile = _listed_profile(agency, "Nora", city)
    other_agency, other_owner = _agency("Onyx")
    other_profile = _listed_profile(other_agency, "Iris", city)
    return {
        "agency": agency,
        "owner": owner,
        "sofia": sofia,
        "profile": profile,
        "other_owner": other_owner,
        "other_profile": other_profile,
    }


def _book(profile, days: int):  # noqa: ANN001, ANN202
    return request_booking(
        profile, start=local_time(profile.home_city, days=days, hour=14)
    )


def _row(rows, user: User):  # noqa: ANN001, ANN202
    return next(row for row in rows if row.user == user)


def test_figures_per_staff_member(world):
    owner, sofia, profile = world["owner"], world["sofia"], world["profile"]
    first, second, third = _book(profile, 2), _book(profile, 3), _book(profile, 4)
    booking_assign(actor=owner, booking=first, assignee=sofia)
    booking_assign(actor=owner, booking=second, assignee=sofia)
    booking_act(booking_id=first.pk, actor=sofia, action="accept")
    booking_act(booking_id=second.pk, actor=sofia, action="decline")
    booking_act(booking_id=third.pk, actor=owner, action="accept")
    booking_act(booking_id=third.pk, actor=owner, action="cancel")
    # Conversation: the client asks, Sofia answers 30 minutes later.
    client = UserFactory(role=Role.CLIENT)
    thread, asked = thread_start(client=client, profile_id=profile.pk, body="Hi")
    Message.objects.filter(pk=asked.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=30)
    )
    message_send(thread_id=thread.pk, sender=sofia, body="Hello!")
    message_send(thread_id=thread.pk, sender=sofia, body="Anything else?")
    # Another agency's activity never shows.
    other = _book(world["other_profile"], 2)
    booking_act(booking_id=other.pk, actor=world["other_owner"], action="accept")

    rows = staff_activity(agency=world["agency"], days=30)
    assert {row.user for row in rows} == {owner, sofia}
    mine = _row(rows, sofia)
    assert (mine.accepted, mine.declined, mine.cancelled) == (1, 1, 0)
    assert (mine.assignments_taken, mine.assignments_handled) == (2, 2)
    assert mine.messages_sent == 2
    assert abs(mine.median_first_reply - dt.timedelta(minutes=30)) < dt.timedelta(
        minutes=1
    )
    boss = _row(rows, owner)
    assert (boss.accepted, boss.declined, boss.cancelled) == (1, 0, 1)
    assert (boss.assignments_taken, boss.assignments_handled) == (0, 0)
    assert boss.median_first_reply is None


def test_the_period_leaves_older_activity_out(world):
    from bookings.models import BookingEvent

    booking = _book(world["profile"], 2)
    booking_act(booking_id=booking.pk, actor=world["owner"], action="decline")
    BookingEvent.objects.update(created_at=timezone.now() - dt.timedelta(days=10))
    assert (
        _row(staff_activity(agency=world["agency"], days=7), world["owner"]).declined
        == 0
    )
    assert (
        _row(staff_activity(agency=world["agency"], days=30), world["owner"]).declined
        == 1
    )


def _signed_in(user: User) -> Client:
    browser = Client()
    browser.force_login(user)
    return browser


def test_the_page_and_csv(world):
    browser = _signed_in(world["sofia"])
    page = browser.get("/dashboard/agency/activity/?days=7")
    assert page.status_code == 200
    assert (
        "Sofia" in page.content.decode() and "Onyx owner" not in page.content.decode()
    )
    download = browser.get("/dashboard/agency/activity/activity.csv?days=90")
    assert download["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(download.content.decode())))
    assert rows[0][0] == "Staff member"
    assert {row[0] for row in rows[1:]} == {"Velvet owner", "Sofia"}


@pytest.mark.parametrize("days", ["14", "abc", "-7", "0"])
def test_other_periods_are_400(world, days):
    browser = _signed_in(world["owner"])
    assert browser.get(f"/dashboard/agency/activity/?days={days}").status_code == 400
    csv_url = f"/dashboard/agency/activity/activity.csv?days={days}"
    assert browser.get(csv_url).status_code == 400


def test_only_staff_see_it(world):
    for user in (
        EscortOwnerFactory(),
        UserFactory(role=Role.CLIENT),
        world["profile"].owner,
    ):
        assert _signed_in(user).get("/dashboard/agency/activity/").status_code == 404


def test_constant_queries(world, django_assert_max_num_queries):
    browser = _signed_in(world["owner"])
    browser.get("/dashboard/agency/activity/")
    with django_assert_max_num_queries(16) as small:
        browser.get("/dashboard/agency/activity/")
    count = len(small)
    profile = world["profile"]
    for number in range(3):
        member = _member(world["agency"], f"Member {number}")
        booking = _book(profile, 2 + number)
        booking_assign(actor=world["owner"], booking=booking, assignee=member)
        booking_act(booking_id=booking.pk, actor=member, action="decline")
    browser.get("/dashboard/agency/activity/")
    with django_assert_max_num_queries(count):
        browser.get("/dashboard/agency/activity/")
