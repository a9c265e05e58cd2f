"""The analytics world. For the dashboards: a city, a provider with a live
profile, an agency listing two escorts' profiles, and ``seed_days`` that writes
ProfileDay rows directly (the flush and the rollup are the events helper's).
For the business figures: helpers that each write one fact at a given time, as
the services and the daily rollup would have left it."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from accounts.models import Role, User
from analytics.models import ProfileDay, UserActiveDay
from bookings.models import Booking
from directory.models import Agency, AgencyMembership, CityPage, EscortProfilePage
from messaging.models import Message, Thread
from moderation.models import Report
from payments.models import LedgerEntry, LedgerTransaction
from search.indexer import search_documents_refresh
from search.models import SearchQueryLog
from tests.factories import UserFactory
from tests.factories.bookings import past_booking
from tests.factories.pages import EscortOwnerFactory, make_city, make_profile
from tests.factories.search import live_city


def seed_days(profile, *, days: int, end: dt.date | None = None, **values) -> None:  # noqa: ANN001, ANN003
    """One ProfileDay per day for ``days`` days up to ``end`` (today), each
    with ``values``; a callable value gets the day's index (0 = oldest)."""
    end = end or timezone.localdate()
    rows = []
    for n in range(days):
        fields = {k: (v(n) if callable(v) else v) for k, v in values.items()}
        rows.append(
            ProfileDay(
                profile=profile, day=end - dt.timedelta(days=days - 1 - n), **fields
            )
        )
    ProfileDay.objects.bulk_create(rows)


@pytest.fixture
def city(db):  # noqa: ANN001, ANN201
    return live_city(
        "Vienna", country="Austria", country_code="AT", time_zone="Europe/Vienna"
    )


@pytest.fixture
def provider(db):  # noqa: ANN001, ANN201
    return EscortOwnerFactory(display_name="Amelie")


@pytest.fixture
def profile(city, provider):  # noqa: ANN001, ANN201
    page = make_profile("Amelie", city=city, owner=provider)
    search_documents_refresh(profile_ids=[page.pk])
    return page


def make_agency(name: str) -> tuple[Agency, object]:
    owner = UserFactory(role=Role.AGENCY, is_age_verified=True, display_name=name)
    agency = Agency.objects.create(
        name=name,
        slug=name.lower().replace(" ", "-"),
        status="verified",
        verified_at=timezone.now(),
    )
    AgencyMembership.objects.create(agency=agency, user=owner, role="owner")
    return agency, owner


@pytest.fixture
def agency_world(city):  # noqa: ANN001, ANN201
    """Velvet Hours lists Bella and Chloé; Nightingale lists Dora."""
    agency, owner = make_agency("Velvet Hours")
    other, other_owner = make_agency("Nightingale")
    bella = make_profile("Bella", city=city, agency=agency)
    chloe = make_profile("Chloé", city=city, agency=agency, slug="chloe")
    dora = make_profile("Dora", city=city, agency=other)
    search_documents_refresh(profile_ids=[bella.pk, chloe.pk, dora.pk])
    return {
        "agency": agency,
        "owner": owner,
        "other": other,
        "other_owner": other_owner,
        "bella": bella,
        "chloe": chloe,
        "dora": dora,
    }


UTC = dt.UTC
_keys = itertools.count()


def at(day: str, hour: int = 12, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(
        dt.date.fromisoformat(day), dt.time(hour, minute), tzinfo=UTC
    )


def signup(joined: dt.datetime, *, role: str = Role.CLIENT) -> User:
    user = UserFactory(role=role)
    User.objects.filter(pk=user.pk).update(date_joined=joined)
    user.date_joined = joined
    return user


def active(user: User, *days: str) -> None:
    UserActiveDay.objects.bulk_create(
        UserActiveDay(user=user, day=dt.date.fromisoformat(day)) for day in days
    )


def booking(
    profile: EscortProfilePage, created: dt.datetime, *, status: str
) -> Booking:
    made = past_booking(profile, UserFactory(role=Role.CLIENT), status=status)
    Booking.objects.filter(pk=made.pk).update(created_at=created)
    return made


def message(
    thread: Thread, sender: User, sent: dt.datetime, *, automatic: bool = False
) -> Message:
    made = Message.objects.create(
        thread=thread, sender=sender, body_encrypted="-", automatic=automatic
    )
    Message.objects.filter(pk=made.pk).update(created_at=sent)
    return made


def report(created: dt.datetime) -> Report:
    made = Report.objects.create(
        reporter=None,
        dedupe_key=f"analytics-{next(_keys)}",
        category="spam",
        target_content_type=ContentType.objects.get_for_model(User),
        target_id=1,
        evidence_encrypted="-",
        due_at=created + dt.timedelta(days=2),
    )
    Report.objects.filter(pk=made.pk).update(created_at=created)
    return made


def search(created: dt.datetime, *, results: int, query: str = "") -> None:
    log = SearchQueryLog.objects.create(query=query, result_count=results, latency_ms=5)
    SearchQueryLog.objects.filter(pk=log.pk).update(created_at=created)


def profile_day(profile: EscortProfilePage, day: str, **counts: int) -> ProfileDay:
    return ProfileDay.objects.create(
        profile=profile, day=dt.date.fromisoformat(day), **counts
    )


def post(
    revenue_minor: int, *, currency: str, cause: str, refund: bool = False
) -> None:
    """Revenue (or a refund of it) posted to the ledger now, balanced by cash."""
    txn = LedgerTransaction.objects.create(
        kind="refund" if refund else "subscription_charge",
        cause_type="test",
        cause_id=cause,
    )
    account = "client_refunds" if refund else "platform_revenue"
    amount = revenue_minor if refund else -revenue_minor
    LedgerEntry.objects.bulk_create(
        [
            LedgerEntry(
                transaction=txn, account=account, amount_minor=amount, currency=currency
            ),
            LedgerEntry(
                transaction=txn, account="cash", amount_minor=-amount, currency=currency
            ),
        ]
    )


@pytest.fixture
def cities() -> tuple[CityPage, CityPage]:
    return make_city("Vienna", country="Austria"), make_city("Zurich")


@pytest.fixture
def profiles(cities) -> tuple[EscortProfilePage, EscortProfilePage]:  # noqa: ANN001
    vienna, zurich = cities
    return make_profile("Valerie", city=vienna), make_profile("Zoe", city=zurich)


@pytest.fixture
def analyst(db) -> User:  # noqa: ANN001
    user = UserFactory(email="analyst@example.test", role=Role.STAFF)
    user.groups.add(Group.objects.get(name="Analysts"))
    return user
