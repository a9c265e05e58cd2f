"""Side effects recorded in PostgreSQL with their cause (docs/architecture.md,
invariant 11; issue 10 finding 5).

``outbox_enqueue(task, *args)`` writes an ``OutboxEntry`` in the caller's
transaction and publishes only its id after commit. The broker is a doorbell,
not the record: if Redis is down at commit, or loses the message later, the
row is still pending and the beat task ``core.tasks.deliver_pending`` sends it
again. ``outbox_run`` runs the task and stamps the row in one transaction, so
a doubled delivery takes effect once.

``task_send`` is the one place that publishes to the broker from the request
path: a broker failure is logged and swallowed (the row is the record), and a
short breaker skips the broker for a few seconds after a failure so a page or
a write does not pay a connect timeout per task."""

from __future__ import annotations

import datetime as dt
import logging
import time
from typing import Any

from celery import Task, current_app
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from kombu.exceptions import OperationalError as KombuOperationalError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from core.models import OutboxEntry

logger = logging.getLogger(__name__)

BROKER_DOWN = (
    KombuOperationalError,
    RedisConnectionError,
    RedisTimeoutError,
    OSError,
)
BROKER_BREAKER_SECONDS = 5.0
FIRST_SWEEP_AFTER = dt.timedelta(seconds=60)  # the after-commit send goes first
RESEND_AFTER = dt.timedelta(minutes=5)  # a sent entry may sit in a busy queue
MAX_ATTEMPTS = 10
KEEP_DELIVERED = dt.timedelta(days=7)  # for looking into what ran, then gone

_broker_paused_until: dict[str, float] = {}


def task_send(task: Task, *args: Any) -> bool:
    """Publish ``task(*args)``; False when the broker is unreachable (logged).
    Results are never read, and asking for one would make Celery subscribe to
    the result backend first, which retries for about 20 seconds when Redis
    is down."""
    if current_app.conf.task_always_eager:  # tests: runs here, its errors are its own
        task.apply_async(args, ignore_result=True)
        return True
    url = str(current_app.conf.broker_url)
    if _broker_paused_until.get(url, 0.0) > time.monotonic():
        logger.warning("broker paused: %s%r not sent now", task.name, args)
        return False
    try:
        task.apply_async(args, ignore_result=True)
    except BROKER_DOWN:
        _broker_paused_until[url] = time.monotonic() + BROKER_BREAKER_SECONDS
        logger.warning(
            "broker unavailable: %s%r not sent", task.name, args, exc_info=True
        )
        return False
    return True


def outbox_enqueue(task: Task, *args: Any) -> OutboxEntry:
    """Record ``task(*args)`` with the caller's transaction; send it after
    commit. Arguments must be JSON (ids, short strings)."""
    from core.tasks import outbox_deliver

    entry = _entry(task, args)
    entry.save()
    transaction.on_commit(lambda: task_send(outbox_deliver, entry.pk))
    return entry


def outbox_enqueue_each(task: Task, calls: list[tuple]) -> list[OutboxEntry]:
    """``outbox_enqueue`` for several calls of one task: one insert, and one
    broker message for all of them after commit (``outbox_deliver_all``), as
    for a batch of chat messages (messaging.store). Each entry still runs, and
    is retried by the sweep, on its own."""
    from core.tasks import outbox_deliver_all

    entries = OutboxEntry.objects.bulk_create([_entry(task, args) for args in calls])
    ids = [entry.pk for entry in entries]
    if ids:
        transaction.on_commit(lambda: task_send(outbox_deliver_all, ids))
    return entries


def _entry(task: Task, args: tuple) -> OutboxEntry:
    return OutboxEntry(
        task=task.name, args=list(args), due_at=timezone.now() + FIRST_SWEEP_AFTER
    )


def outbox_run(*, entry_id: int) -> bool:
    """Run one pending entry; True when this call delivered it. The row lock
    (skip_locked: a concurrent run of the same entry just leaves) and the
    stamp share the task's transaction, so its effect commits exactly once."""
    try:
        with transaction.atomic():
            entry = (
                OutboxEntry.objects.select_for_update(skip_locked=True)
                .filter(pk=entry_id, delivered_at__isnull=True)
                .first()
            )
            if entry is None:
                return False
            current_app.tasks[entry.task](*entry.args)
            entry.delivered_at = timezone.now()
            entry.save(update_fields=["delivered_at"])
    except Exception as exc:
        _attempt_failed(entry_id, exc)
        raise
    return True


def _attempt_failed(entry_id: int, exc: Exception) -> None:
    attempts = _attempts(entry_id)
    backoff = dt.timedelta(minutes=1) * 2 ** min(6, attempts)
    OutboxEntry.objects.filter(pk=entry_id).update(
        attempts=F("attempts") + 1,
        last_error=f"{type(exc).__name__}: {exc}"[:500],
        due_at=timezone.now() + backoff,
    )
    if attempts + 1 >= MAX_ATTEMPTS:
        # The sweep stops here: say so loudly, the row keeps the cause.
        logger.error(
            "outbox entry %s given up after %s attempts: %s",
            entry_id,
            attempts + 1,
            exc,
        )


def _attempts(entry_id: int) -> int:
    row = OutboxEntry.objects.filter(pk=entry_id).values_list("attempts", flat=True)
    return next(iter(row), 0)


def outbox_resend_due(*, now: dt.datetime | None = None, limit: int = 500) -> int:
    """The sweep: send again every pending entry whose time has come (oldest
    first); stop at the first broker failure. Returns how many were sent."""
    from core.tasks import outbox_deliver

    now = now or timezone.now()
    due = OutboxEntry.objects.filter(
        delivered_at__isnull=True, due_at__lte=now, attempts__lt=MAX_ATTEMPTS
    )
    return rows_resend(due=due, task=outbox_deliver, now=now, limit=limit)


def rows_resend(*, due: QuerySet, task: Task, now: dt.datetime, limit: int) -> int:
    """Publish ``task(pk)`` for each row of ``due`` (a queryset of records with
    a ``due_at``), oldest first, and push their ``due_at`` on by ``RESEND_AFTER``
    so the next sweep does not send them again while these are in flight. Stops
    at the first broker failure: the rest stay due. Every sweep (the outbox's,
    the email deliveries') uses this one loop."""
    sent = []
    for pk in due.order_by("due_at").values_list("pk", flat=True)[:limit]:
        if not task_send(task, pk):
            break
        sent.append(pk)
    due.model.objects.filter(pk__in=sent).update(due_at=now + RESEND_AFTER)
    return len(sent)


def outbox_purge_delivered(*, now: dt.datetime | None = None) -> int:
    """Delivered entries are kept a week, then deleted (the table stays small)."""
    now = now or timezone.now()
    done = OutboxEntry.objects.filter(delivered_at__lt=now - KEEP_DELIVERED)
    return done.delete()[0]
