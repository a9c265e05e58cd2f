"""The flush (docs/analytics.md, "Flush and failure"): counts reach ProfileDay
exactly once whatever fails or runs alongside; it adds to the counted columns
and never touches the rollup's; active accounts become one row a day."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import DatabaseError
from django.test import RequestFactory
from django.utils import timezone

from accounts.models import Role
from analytics import flush
from analytics.flush import profile_events_flush
from analytics.models import ProfileDay, UserActiveDay
from analytics.recording import EventKind, active_user_record, profile_event_record
from analytics.tasks import flush_profile_events
from tests.factories import UserFactory
from tests.factories.pages import make_profile
from tests.factories.search import live_city

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


@pytest.fixture
def profiles():
    city = live_city("Milan", slug="milan-flush")
    return [make_profile(f"Giulia {n}", city=city, slug=f"giulia-{n}") for n in (1, 2)]


def event(profile, kind: str = EventKind.VIEW, address: str = "10.9.0.1") -> bool:  # noqa: ANN001
    request = RequestFactory().get("/", REMOTE_ADDR=address, HTTP_USER_AGENT=BROWSER)
    request.user = AnonymousUser()
    return profile_event_record(request=request, profile_id=profile.pk, kind=kind)


def counted(profile) -> tuple[int, int, int] | None:  # noqa: ANN001
    row = ProfileDay.objects.filter(profile=profile, day=timezone.localdate()).first()
    return (row.views, row.gallery_opens, row.contact_clicks) if row else None


def test_the_task_flushes_every_kind(profiles):
    a, b = profiles
    assert event(a) and event(a, address="10.9.0.2") and event(b)
    assert event(a, EventKind.GALLERY_OPEN) and event(b, EventKind.CONTACT_CLICK)

    assert flush_profile_events.delay().get() == 4  # fields: a:view, a:gallery, …

    assert (counted(a), counted(b)) == ((2, 1, 0), (1, 0, 1))


def test_flushes_add_up_and_leave_the_rollup_columns_alone(profiles):
    a = profiles[0]
    ProfileDay.objects.create(
        profile=a, day=timezone.localdate(), views=10, replies=4, reply_seconds=99
    )
    event(a)
    profile_events_flush()
    event(a, address="10.9.0.3")
    profile_events_flush()

    row = ProfileDay.objects.get(profile=a)
    assert (row.views, row.replies, row.reply_seconds) == (12, 4, 99)


def test_a_flush_that_fails_after_claiming_loses_nothing(profiles, monkeypatch):
    a = profiles[0]
    event(a)
    event(a, address="10.9.0.4")
    apply = flush.profile_counts_apply

    def write_fails(**kwargs):  # noqa: ANN003
        apply(**kwargs)  # the rows are written, then the transaction fails
        raise DatabaseError("connection lost before commit")

    monkeypatch.setattr(flush, "profile_counts_apply", write_fails)
    with pytest.raises(DatabaseError):
        profile_events_flush()
    assert counted(a) is None  # rolled back

    event(a, address="10.9.0.5")  # arrives while the claimed hash waits
    monkeypatch.setattr(flush, "profile_counts_apply", apply)
    profile_events_flush()
    assert counted(a) == (2, 0, 0)  # the claimed hash, exactly once
    profile_events_flush()
    assert counted(a) == (3, 0, 0)
    profile_events_flush()
    assert counted(a) == (3, 0, 0)


def test_two_flushes_side_by_side_count_once(profiles, monkeypatch):
    a = profiles[0]
    event(a)
    apply = flush.profile_counts_apply
    second = []

    def apply_while_another_flush_starts(**kwargs):  # noqa: ANN003
        second.append(profile_events_flush())  # the lock holds it off
        apply(**kwargs)

    monkeypatch.setattr(flush, "profile_counts_apply", apply_while_another_flush_starts)
    profile_events_flush()
    monkeypatch.setattr(flush, "profile_counts_apply", apply)
    profile_events_flush()

    assert second == [0]
    assert counted(a) == (1, 0, 0)


def test_counts_of_a_deleted_profile_are_dropped(profiles):
    a, b = profiles
    event(a)
    event(b)
    b.delete()

    profile_events_flush()

    assert counted(a) == (1, 0, 0)
    assert ProfileDay.objects.count() == 1


def test_active_accounts_become_one_row_a_day(profiles, monkeypatch):
    ana, ben = UserFactory(role=Role.CLIENT), UserFactory(role=Role.CLIENT)
    assert active_user_record(user_id=ana.pk)
    assert not active_user_record(user_id=ana.pk)  # once a day
    assert active_user_record(user_id=ben.pk)
    profile_events_flush()
    today = timezone.localdate()
    tomorrow = today + dt.timedelta(days=1)
    assert active_user_record(user_id=ana.pk, day=tomorrow)
    assert active_user_record(user_id=ana.pk, day=today) is False
    profile_events_flush()
    profile_events_flush()

    rows = set(UserActiveDay.objects.values_list("user_id", "day"))
    assert rows == {(ana.pk, today), (ben.pk, today), (ana.pk, tomorrow)}


def test_signed_in_requests_mark_the_account_active(client, profiles):
    ana = UserFactory(role=Role.CLIENT)
    client.force_login(ana)
    for _ in range(3):
        assert client.get("/", HTTP_USER_AGENT=BROWSER).status_code == 200
    client.logout()
    client.get("/", HTTP_USER_AGENT=BROWSER)  # signed out: nobody to mark

    profile_events_flush()

    assert list(UserActiveDay.objects.values_list("user_id", flat=True)) == [ana.pk]
