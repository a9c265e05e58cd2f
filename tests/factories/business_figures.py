"""Builders for the business figures' tests (analytics/metrics.py and the admin
reports): each writes one fact at a given time, as the services and the daily
rollup would have left it (dates moved by UPDATE where the model stamps them)."""

from __future__ import annotations

import datetime as dt
import itertools

from django.contrib.contenttypes.models import ContentType

from accounts.models import Role, User
from analytics.models import ProfileDay, UserActiveDay
from bookings.models import Booking
from directory.models import EscortProfilePage
from messaging.models import Message, Thread
from moderation.models import Report
from payments.models import LedgerEntry, LedgerTransaction
from search.models import SearchQueryLog
from tests.factories import UserFactory
from tests.factories.bookings import past_booking

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
