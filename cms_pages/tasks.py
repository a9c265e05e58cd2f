from __future__ import annotations

import logging

from celery import shared_task
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from wagtail.models import Revision

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def publish_scheduled() -> int:
    """Wagtail's scheduled publishing, one revision at a time. Wagtail's own command
    stops at the first revision a page refuses (a profile whose owner lost their
    verification): here a refusal is logged, its schedule dropped, and the rest go
    ahead. Wagtail's command then handles expiries. Idempotent: a published revision
    no longer carries ``approved_go_live_at``."""
    refused = 0
    due = Revision.page_revisions.filter(approved_go_live_at__lte=timezone.now())
    for revision in due.order_by("approved_go_live_at"):
        try:
            with transaction.atomic():
                revision.publish()
        except ValidationError as error:
            refused += 1
            logger.warning(
                "scheduled publish refused for revision %s: %s", revision.pk, error
            )
            Revision.objects.filter(pk=revision.pk).update(approved_go_live_at=None)
    call_command("publish_scheduled")
    return refused
