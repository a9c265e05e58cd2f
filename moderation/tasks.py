"""Beat tasks of moderation (config/settings/base.py, CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

from celery import shared_task

from moderation.decisions import sanctions_expire


@shared_task(acks_late=True, reject_on_worker_lost=True)
def expire_sanctions() -> int:
    """Every 10 minutes: lift suspensions whose end has passed (idempotent: a
    lifted sanction is not lifted twice)."""
    return sanctions_expire()
