"""Feature switches: one accessor, a cached snapshot refreshed on save, a memo per
request, the database when Redis is down, and a loud failure for unknown names."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.signals import request_finished, request_started

from audit.models import AuditEntry
from core import switches
from core.models import FeatureSwitches
from core.switches import SNAPSHOT_KEY, UnknownSwitch, switch_enabled
from tests.factories import UserFactory
from tests.outage import Outage

pytestmark = pytest.mark.django_db


def save_switches(capture, **values: object) -> FeatureSwitches:  # noqa: ANN001
    """Save the row as the admin does; the snapshot is written on commit."""
    row = FeatureSwitches.load()
    for name, value in values.items():
        setattr(row, name, value)
    with capture(execute=True):
        row.save()
    return row


def test_defaults_without_a_row():
    cache.delete(SNAPSHOT_KEY)
    assert not FeatureSwitches.objects.exists()
    assert switch_enabled("reviews") is True
    assert switch_enabled("deposits") is True
    assert switch_enabled("signup_client") is True
    assert switch_enabled("maintenance_mode") is False


def test_unknown_name_raises():
    with pytest.raises(UnknownSwitch):
        switch_enabled("review")  # a typo must not read as "off"


def test_saving_refreshes_the_snapshot_for_every_process(
    django_capture_on_commit_callbacks,
):
    assert switch_enabled("reviews") is True
    save_switches(django_capture_on_commit_callbacks, reviews=False)
    # The snapshot other processes read is the new one, straight from the cache.
    assert cache.get(SNAPSHOT_KEY)["reviews"] is False
    assert switch_enabled("reviews") is False
    save_switches(django_capture_on_commit_callbacks, reviews=True)
    assert switch_enabled("reviews") is True


def test_a_cached_snapshot_is_read_without_a_query(django_assert_num_queries):
    cache.delete(SNAPSHOT_KEY)
    with django_assert_num_queries(1):
        switch_enabled("deposits")  # a miss reads the row once and caches it
    with django_assert_num_queries(0):
        switch_enabled("deposits")
        switch_enabled("signup_agency")


def test_a_reader_that_loaded_the_old_row_does_not_overwrite_a_save(
    django_capture_on_commit_callbacks,
):
    stale = switches._from_database()  # read before the admin saved
    save_switches(django_capture_on_commit_callbacks, deposits=False)
    cache.add(SNAPSHOT_KEY, stale, 60)  # what the late reader writes: ignored
    assert switch_enabled("deposits") is False


def test_one_request_reads_one_snapshot(django_capture_on_commit_callbacks):
    request_started.send(sender=None, environ={})
    try:
        assert switch_enabled("reviews") is True
        # Another process switches reviews off in the middle of this request.
        cache.set(SNAPSHOT_KEY, {**cache.get(SNAPSHOT_KEY), "reviews": False})
        assert switch_enabled("reviews") is True  # memoised for this request
    finally:
        request_finished.send(sender=None)
    # The next request (in any process) sees the change.
    request_started.send(sender=None, environ={})
    try:
        assert switch_enabled("reviews") is False
    finally:
        request_finished.send(sender=None)


def test_redis_down_reads_the_row(django_capture_on_commit_callbacks):
    save_switches(django_capture_on_commit_callbacks, signup_provider=False)
    outage = Outage()
    outage.start()
    try:
        assert cache.get(SNAPSHOT_KEY) is None  # the cache answers nothing
        assert switch_enabled("signup_provider") is False
        assert switch_enabled("signup_client") is True
    finally:
        outage.end()


def test_redis_down_pages_still_answer(client, django_capture_on_commit_callbacks):
    outage = Outage()
    outage.start()
    try:
        assert client.get("/healthz").status_code == 200
        assert client.get("/accounts/login/").status_code == 200
    finally:
        outage.end()


def test_an_admin_edit_takes_effect_and_is_audited(
    client, admin_login, django_capture_on_commit_callbacks
):
    admin = admin_login(client, UserFactory(is_staff=True, is_superuser=True))
    row = FeatureSwitches.load()
    # Reviews and maintenance mode unticked, the rest ticked.
    data = {
        "deposits": "on",
        "signup_client": "on",
        "signup_provider": "on",
        "signup_agency": "on",
        "maintenance_message": "",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/cms/settings/core/featureswitches/{row.pk}/", data, follow=False
        )
    assert response.status_code == 302, response.content[:500]
    assert switch_enabled("reviews") is False
    assert switch_enabled("deposits") is True
    entry = AuditEntry.objects.get(action="setting.changed")
    assert entry.actor == admin
    assert entry.target_type == "core.featureswitches"
    assert entry.data["values"]["reviews"] is False
