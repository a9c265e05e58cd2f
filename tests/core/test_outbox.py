"""The outbox (core/outbox.py): side effects recorded in PostgreSQL with their
cause, run exactly once however often delivered, resent by the sweep."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone

from core.models import OutboxEntry
from core.outbox import (
    MAX_ATTEMPTS,
    outbox_enqueue,
    outbox_enqueue_each,
    outbox_purge_delivered,
    outbox_resend_due,
    outbox_run,
)
from core.tasks import deliver_pending, outbox_deliver_all
from directory.tasks import send_review_decision_email
from notifications.models import EmailDelivery, Kind, Notification
from notifications.services import Email, notify
from tests.factories import UserFactory
from tests.factories.pages import make_city, make_profile

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
APPS = [
    "accounts",
    "api",
    "bookings",
    "cms_pages",
    "config",
    "core",
    "directory",
    "messaging",
    "moderation",
    "notifications",
    "search",
]


@pytest.fixture
def profile():
    return make_profile("Ines", city=make_city("Lisbon", slug="lisbon-outbox"))


def test_a_doubled_delivery_takes_effect_once(profile):
    entry = outbox_enqueue(send_review_decision_email, profile.pk, "approved")
    assert outbox_run(entry_id=entry.pk) is True
    assert outbox_run(entry_id=entry.pk) is False  # a redelivery, a sweep
    assert Notification.objects.filter(recipient=profile.owner).count() == 1
    entry.refresh_from_db()
    assert entry.delivered_at is not None


def test_a_failing_task_stays_pending_with_backoff(profile):
    entry = outbox_enqueue(send_review_decision_email, profile.pk, "nonsense")
    with pytest.raises(ValueError, match="nonsense"):
        outbox_run(entry_id=entry.pk)
    entry.refresh_from_db()
    assert entry.delivered_at is None
    assert entry.attempts == 1
    assert entry.last_error == "ValueError: nonsense"
    assert entry.due_at > timezone.now() + dt.timedelta(seconds=50)
    assert not Notification.objects.filter(recipient=profile.owner).exists()


def test_entries_enqueued_together_share_one_publish_and_run_alone(
    profile, django_capture_on_commit_callbacks, monkeypatch
):
    """outbox_enqueue_each: one insert, one outbox_deliver_all after commit;
    an entry that fails is recorded for the sweep and the others still run."""
    sent = []

    def publish(task, *args):  # noqa: ANN001, ANN202
        sent.append((task.name, args))
        return True

    from core import outbox

    calls = [
        (profile.pk, "approved"),
        (profile.pk, "nonsense"),
        (profile.pk, "changes_requested"),
    ]
    with django_capture_on_commit_callbacks() as hooks:
        entries = outbox_enqueue_each(send_review_decision_email, calls)
    monkeypatch.setattr(outbox, "task_send", publish)
    for hook in hooks:
        hook()
    ids = [entry.pk for entry in entries]
    assert sent == [("core.tasks.outbox_deliver_all", (ids,))]

    with pytest.raises(ValueError, match="nonsense"):
        outbox_deliver_all(ids)
    rows = {row.pk: row for row in OutboxEntry.objects.filter(pk__in=ids)}
    assert rows[ids[0]].delivered_at is not None
    assert rows[ids[2]].delivered_at is not None
    failed = rows[ids[1]]
    assert failed.delivered_at is None and failed.attempts == 1
    assert failed.last_error == "ValueError: nonsense"
    assert Notification.objects.filter(recipient=profile.owner).count() == 2
    assert outbox_deliver_all([ids[0], ids[2]]) == 0  # delivered once, not again


def test_an_entry_that_keeps_failing_is_given_up_loudly(profile, caplog):
    entry = outbox_enqueue(send_review_decision_email, profile.pk, "nonsense")
    OutboxEntry.objects.filter(pk=entry.pk).update(attempts=MAX_ATTEMPTS - 1)
    with pytest.raises(ValueError):
        outbox_run(entry_id=entry.pk)
    assert f"outbox entry {entry.pk} given up after {MAX_ATTEMPTS} attempts" in (
        caplog.text
    )
    far = timezone.now() + dt.timedelta(days=1)
    entry.refresh_from_db()
    assert entry.attempts == MAX_ATTEMPTS
    # The sweep leaves it; the row keeps the cause for whoever looks.
    assert not OutboxEntry.objects.filter(
        pk=entry.pk, attempts__lt=MAX_ATTEMPTS, due_at__lte=far
    ).exists()
    assert entry.last_error == "ValueError: nonsense"


def test_the_sweep_sends_only_what_is_due(profile, django_capture_on_commit_callbacks):
    entry = outbox_enqueue(send_review_decision_email, profile.pk, "approved")
    pending = OutboxEntry.objects.filter(delivered_at__isnull=True).count()
    assert pending >= 2  # publishing the profile queued its search refresh too
    # Just created: the after-commit send goes first, the sweep waits a minute.
    assert outbox_resend_due() == 0
    later = timezone.now() + dt.timedelta(minutes=2)
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox_resend_due(now=later) == pending
    entry.refresh_from_db()
    assert entry.delivered_at is not None
    assert outbox_resend_due(now=later + dt.timedelta(hours=1)) == 0
    # Delivered entries are kept a week for inspection, then purged.
    assert outbox_purge_delivered(now=later + dt.timedelta(days=6)) == 0
    assert outbox_purge_delivered(now=later + dt.timedelta(days=8)) == pending


def test_the_sweep_resends_a_pending_email_whose_task_was_lost(
    django_capture_on_commit_callbacks,
):
    user = UserFactory()
    notify(
        recipient=user,
        kind=Kind.BOOKING,
        title="Booking accepted",
        url="/dashboard/",
        email=Email("Booking accepted", "See your dashboard."),
    )  # its after-commit send never runs here: as if the broker lost it
    delivery = EmailDelivery.objects.get(recipient=user)
    assert delivery.status == EmailDelivery.Status.PENDING
    assert deliver_pending()["notifications.receivers"] == 0  # not due yet
    EmailDelivery.objects.update(due_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        assert deliver_pending()["notifications.receivers"] == 1
        assert deliver_pending()["notifications.receivers"] == 0
    delivery.refresh_from_db()
    assert delivery.status == EmailDelivery.Status.SENT
    assert [m.to for m in mail.outbox] == [[user.email]]


def test_no_task_is_published_except_through_the_outbox_module():
    """Every side effect goes through core.outbox (an entry with its cause, or
    an EmailDelivery row): a bare .delay()/.apply_async() would live only in
    Redis."""
    offenders = []
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if path == ROOT / "core" / "outbox.py" or "migrations" in path.parts:
                continue
            text = path.read_text()
            if ".delay(" in text or ".apply_async(" in text:
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
