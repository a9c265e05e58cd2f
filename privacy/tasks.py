"""Nightly enforcement of the retention schedule (beat, 03:30)."""

from __future__ import annotations

from celery import shared_task

# The hourly erasure job lives with the erasure; imported here so that
# Celery's autodiscovery (which reads privacy.tasks) registers it.
from privacy.erasure.tasks import erase_due_accounts  # noqa: F401
from privacy.exporting.tasks import data_export_build  # noqa: F401 - registers it


@shared_task(acks_late=True)
def enforce_retention() -> dict[str, int]:
    from privacy.services import retention_enforce_all

    return retention_enforce_all()
