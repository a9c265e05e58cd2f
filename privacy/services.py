"""Writes of the privacy app: enforcing the retention schedule, adopting the
privacy page (docs/privacy.md)."""

from __future__ import annotations

import datetime as dt
import logging

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone

from cms_pages.models import StandardPage
from privacy import retention
from privacy.models import PrivacyPolicyPage, RetentionRun
from privacy.retention import DataClass

logger = logging.getLogger(__name__)

BATCH_SIZE = 5000


def retention_enforce_all(
    *, now: dt.datetime | None = None, batch_size: int = BATCH_SIZE
) -> dict[str, int]:
    """Every enforced class, each on its own (one failing class is recorded
    and the others still run). Idempotent: a second run finds nothing due."""
    now = now or timezone.now()
    return {
        data_class.key: retention_enforce(
            data_class=data_class, now=now, batch_size=batch_size
        ).affected
        for data_class in retention.SCHEDULE
        if data_class.enforced
    }


def retention_enforce(
    *, data_class: DataClass, now: dt.datetime, batch_size: int = BATCH_SIZE
) -> RetentionRun:
    run = RetentionRun.objects.create(
        class_key=data_class.key, started_at=timezone.now()
    )
    try:
        while done := _retention_batch(
            data_class=data_class, now=now, batch_size=batch_size
        ):
            run.affected += done
    except Exception as error:  # recorded for the admin; the next class still runs
        logger.exception("retention %s failed", data_class.key)
        run.error = repr(error)[:2000]
    run.finished_at = timezone.now()
    run.save(update_fields=["affected", "error", "finished_at"])
    logger.info("retention %s: %s rows", data_class.key, run.affected)
    return run


@transaction.atomic
def _retention_batch(
    *, data_class: DataClass, now: dt.datetime, batch_size: int
) -> int:
    """One batch by primary key in its own transaction: no statement touches
    more than ``batch_size`` rows, and a failure loses only this batch."""
    model = data_class.model
    pks = list(
        data_class.due(now=now).order_by("pk").values_list("pk", flat=True)[:batch_size]
    )
    if not pks:
        return 0
    rows = model.objects.filter(pk__in=pks)
    if data_class.delete is not None:  # the owning app's worker (files first)
        return data_class.delete(rows)
    if data_class.minimise:
        return rows.update(**data_class.minimise)
    return rows.delete()[1].get(model._meta.label, 0)


@transaction.atomic
def privacy_page_adopt(*, page: StandardPage) -> PrivacyPolicyPage:
    """Turn the seeded standard page into the privacy policy page in place
    (same id, URL, revisions and text): add the subclass row, switch the type."""
    if isinstance(page.specific, PrivacyPolicyPage):
        return page.specific
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {PrivacyPolicyPage._meta.db_table} "  # noqa: S608 - model names only
            "(standardpage_ptr_id) VALUES (%s)",
            [page.pk],
        )
    content_type = ContentType.objects.get_for_model(PrivacyPolicyPage)
    StandardPage.objects.filter(pk=page.pk).update(content_type=content_type)
    return PrivacyPolicyPage.objects.get(pk=page.pk)
