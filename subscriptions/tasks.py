from __future__ import annotations

from celery import shared_task

from subscriptions.services import renew_due as _renew_due


@shared_task(acks_late=True)
def renew_due() -> dict[str, int]:
    """Renew, end or downgrade due subscriptions (idempotent, see services)."""
    return _renew_due()
