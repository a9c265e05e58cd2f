"""Email delivery: takes an id, sends once (row lock), retries with backoff and
records a failure for the admin when the transport keeps refusing."""

from __future__ import annotations

from celery import shared_task

from notifications.models import EmailDelivery

MAX_ATTEMPTS = 5


@shared_task(
    bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=MAX_ATTEMPTS
)
def deliver_email(self, delivery_id: int) -> str | None:  # noqa: ANN001 - Celery's task
    from notifications.services import email_deliver

    status = email_deliver(delivery_id=delivery_id, max_attempts=MAX_ATTEMPTS)
    if status == EmailDelivery.Status.PENDING:
        raise self.retry(countdown=min(30 * 2**self.request.retries, 3600))
    return status
