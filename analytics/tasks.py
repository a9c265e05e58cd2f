"""Analytics beat tasks (config/settings/base.py, CELERY_BEAT_SCHEDULE;
docs/analytics.md). Both are idempotent: the flush holds a lock and applies
each buffered hash once, the rollup sets (not adds) its columns."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.utils import timezone


@shared_task(acks_late=True, reject_on_worker_lost=True)
def flush_profile_events() -> int:
    """Every 5 minutes: Redis event and active-user counters into the database."""
    from analytics.flush import profile_events_flush

    return profile_events_flush()


@shared_task(acks_late=True, reject_on_worker_lost=True)
def rollup_profile_days(days_ago: int = 0) -> int:
    """Every 15 minutes for today; nightly with ``days_ago=1`` for yesterday
    (site-local days), so what happened late in the day is counted too."""
    from analytics.rollups import profile_days_rollup

    day = timezone.localdate() - dt.timedelta(days=days_ago)
    return profile_days_rollup(day=day)
