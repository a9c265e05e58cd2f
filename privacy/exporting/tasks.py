"""The export's Celery task (imported by ``privacy.tasks`` so the worker
registers it)."""

from __future__ import annotations

from celery import shared_task


@shared_task(
    name="privacy.tasks.data_export_build",
    acks_late=True,
    reject_on_worker_lost=True,
)
def data_export_build(export_id: int) -> str:
    from privacy.exporting.services import data_export_build as build

    return build(export_id=export_id)
