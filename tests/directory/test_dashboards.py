"""The dashboard home (/dashboard/) and the bookings dashboard, by role: a client
sees what is coming apart from the history and never a provider's wording; a
provider sees requests to answer, next bookings, their profile's review state
and their search exposure. Every panel reads in a constant number of queries."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bookings.models import Booking
from bookings.services import booking_act
from messaging.services import message_send, thread_start
from search.models import ProfileImpressionDaily
from tests.directory.test_owner_flow import decide, edit_payload, submit
from tests.factories import UserFactory
from tests.factories.bookings import bookable_profile, client_account, local_time
from tests.factories.bookings import request_booking as book
from tests.factories.pages import EscortOwnerFactory

pytestmark = pytest.mark.django_db

S = Booking.Status
# What only a provider may read: a client seeing any of it was the bug.
PROVIDER_WORDING = [
    "your profile",
    "edit my profile",
    "awaiting your answer",
    "waiting for your answer",
    "requests to answer",
    "visibility in search",
    "profile review",
    "booking requests",
    "calendar feed",
]


@pytest.fixture
def sofia(city):
    owner = EscortOwnerFactory(display_name="Sofia")
    return bookable_profile("Sofia Laurent", city=city, owner=owner)


@pytest.fixture
def max_(db):
    return client_account(display_name="Max")


def text_of(response) -> str:  # noqa: ANN001
    """The page's main content as words, lower-cased (the header is shared)."""
    html = response.content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main)).lower()


def panel(response, name: str) -> str:  # noqa: ANN001
    html = response.content.decode()
    start = html.index(f'data-panel="{name}"')
    return html[start : html.index("</section>", start)]


def section(response, name: str) -> str:  # noqa: ANN001
    html = response.content.decode()
    start = html.index(f'data-section="{name}"')
    return html[start : html.index("</section>", start)]


def ids_in(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'data-booking="(\d+)"', html)]


def bookings_in_every_state(profile, client) -> dict[str, Booking]:  # noqa: ANN001
    city = profile.home_city
    made = {
        "later": book(profile, client=client, start=local_time(city, days=6, hour=12)),
        "confirmed": book(
            profile, client=client, start=local_time(city, days=2, hour=15)
        ),
        "declined": book(
            profile, client=client, start=local_time(city, days=1, hour=11)
        ),
        "cancelled": book(
            profile, client=client, start=local_time(city, days=3, hour=18)
        ),
    }
    owner = profile.owner
    booking_act(booking_id=made["confirmed"].pk, actor=owner, action="accept")
    booking_act(booking_id=made["declined"].pk, actor=owner, action="decline")
    booking_act(booking_id=made["cancelled"].pk, actor=client, action="cancel")
    return made


def test_client_sees_upcoming_soonest_first_and_history_apart(client, sofia, max_):
    made = bookings_in_every_state(sofia, max_)
    client.force_login(max_)

    home = client.get("/dashboard/")
    assert home.status_code == 200
    # Upcoming: still to come, soonest first; a declined booking next week is not.
    assert ids_in(panel(home, "upcoming")) == [made["confirmed"].pk, made["later"].pk]
    assert sorted(ids_in(panel(home, "history"))) == sorted(
        [made["declined"].pk, made["cancelled"].pk]
    )
    assert "Confirmed" in panel(home, "upcoming")

    page = client.get("/dashboard/bookings/")
    assert ids_in(section(page, "upcoming")) == [
        made["confirmed"].pk,
        made["later"].pk,
    ]
    # History: newest first.
    assert ids_in(section(page, "history")) == [
        made["cancelled"].pk,
        made["declined"].pk,
    ]


def test_a_client_never_reads_provider_wording(client, sofia, max_):
    bookings_in_every_state(sofia, max_)
    thread, _ = thread_start(client=max_, profile_id=sofia.pk, body="Hello")
    message_send(thread_id=thread.pk, sender=sofia.owner, body="Hi Max")
    client.force_login(max_)
    for path in ("/dashboard/", "/dashboard/bookings/", "/notifications/settings/"):
        words = text_of(client.get(path))
        found = [phrase for phrase in PROVIDER_WORDING if phrase in words]
        assert found == [], f"{path}: {found}"
    home = client.get("/dashboard/")
    assert 'data-audience="client"' in home.content.decode()
    messages = panel(home, "messages")
    assert "Sofia Laurent" in messages and "1 new" in messages
    for provider_only in ("profiles", "requests", "exposure", "next"):
        assert f'data-panel="{provider_only}"' not in home.content.decode()


def test_provider_sees_requests_next_bookings_review_state_and_exposure(
    client, sofia, max_
):
    city = sofia.home_city
    waiting = book(sofia, client=max_, start=local_time(city, days=2, hour=12))
    accepted = book(sofia, client=max_, start=local_time(city, days=3, hour=12))
    booking_act(booking_id=accepted.pk, actor=sofia.owner, action="accept")
    today = timezone.localdate()
    ProfileImpressionDaily.objects.bulk_create(
        [
            ProfileImpressionDaily(
                profile=sofia,
                city=city,
                day=today,
                impressions=40,
                first_page=30,
                position_sum=120,
            ),
            ProfileImpressionDaily(
                profile=sofia,
                city=city,
                day=today - dt.timedelta(days=3),
                impressions=10,
                first_page=0,
                position_sum=130,
            ),
            # Outside the 30 days: not counted.
            ProfileImpressionDaily(
                profile=sofia,
                city=city,
                day=today - dt.timedelta(days=40),
                impressions=999,
                first_page=999,
                position_sum=999,
            ),
        ]
    )
    client.force_login(sofia.owner)

    home = client.get("/dashboard/")
    html = home.content.decode()
    assert 'data-audience="provider"' in html
    requests = panel(home, "requests")
    assert ids_in(requests) == [waiting.pk]
    assert "1 request to answer" in requests and "Accept" in requests
    assert ids_in(panel(home, "next")) == [accepted.pk]
    profiles = panel(home, "profiles")
    assert "Your profile" in profiles and 'data-status="live"' in profiles
    exposure = panel(home, "exposure")
    assert re.search(r'data-figure="impressions">50<', exposure)
    assert re.search(r'data-figure="first_page">30<', exposure)
    assert re.search(r'data-figure="average_position">5.0<', exposure)


def test_provider_sees_changes_requested_with_the_moderators_comment(
    client, api_client, profile, owner, moderator, city
):
    submit(api_client, owner, edit_payload(city, tagline="Needs work"))
    client.force_login(owner)
    assert 'data-status="in_review"' in panel(client.get("/dashboard/"), "profiles")

    decide(profile, moderator, "reject", comment="Please add a rate for 2 hours.")
    profiles = panel(client.get("/dashboard/"), "profiles")
    assert 'data-status="changes_requested"' in profiles
    assert "Please add a rate for 2 hours." in profiles
    assert "The approved version stays live meanwhile." in profiles


def _queries(client, user, path: str) -> int:  # noqa: ANN001
    client.force_login(user)
    client.get(path)  # warms per-process caches (content types, badges)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


@pytest.mark.parametrize("path", ["/dashboard/", "/dashboard/bookings/"])
def test_query_count_is_constant_in_bookings_and_conversations(client, city, path):
    counts = []
    for n, name in ((1, "One"), (5, "Five")):
        profile = bookable_profile(name, city=city)
        buyer = client_account(display_name=f"Client {name}")
        for day in range(n):
            made = book(
                profile, client=buyer, start=local_time(city, days=day + 1, hour=12)
            )
            if day % 2:
                booking_act(booking_id=made.pk, actor=profile.owner, action="accept")
            other = bookable_profile(f"{name} friend {day}", city=city)
            thread, _ = thread_start(client=buyer, profile_id=other.pk, body="Hi")
            message_send(thread_id=thread.pk, sender=other.owner, body="Hello")
            writer = client_account()
            thread_start(client=writer, profile_id=profile.pk, body="Hello")
        counts.append(
            (_queries(client, buyer, path), _queries(client, profile.owner, path))
        )
    assert counts[0] == counts[1], counts


def test_staff_without_a_profile_get_the_client_dashboard(client):
    staff = UserFactory(role="staff")
    client.force_login(staff)
    assert 'data-audience="client"' in client.get("/dashboard/").content.decode()
