"""Webhook processing (docs/payments.md). Takes an id, is safe to run twice:
the event is marked processed in the transaction that applies it."""

from __future__ import annotations

from celery import shared_task

from payments import services


@shared_task(acks_late=True, reject_on_worker_lost=True)
def webhook_event_process_task(event_id: int) -> str:
    return services.webhook_event_process(event_id=event_id)


@shared_task
def reconcile_task() -> list[int]:
    """Hourly (beat): compare each gateway's recent objects with our records."""
    return [run.pk for run in services.reconciliation_run_all()]
