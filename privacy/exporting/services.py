"""Writes of the export (docs/privacy.md, "Export"): request one, build it
(the task), record the first download, expire old ones (retention)."""

from __future__ import annotations

import datetime as dt
import logging
import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.exceptions import Conflict
from notifications.models import Kind
from notifications.services import Email, notify
from privacy.exporting.builder import export_build_file
from privacy.models import DataExport

logger = logging.getLogger(__name__)

PAGE_URL = "/accounts/privacy/export/"


class ExportInProgress(Conflict):
    code = "export_in_progress"
    default_message = (
        "An export of your data is already being prepared. You can ask for a "
        "new one when it is ready or has failed."
    )


def data_export_request(*, user: User) -> DataExport:
    """A new export, queued. The partial unique constraint settles two requests
    racing: the loser's INSERT fails and answers 409, whatever Python saw."""
    try:
        with transaction.atomic():
            export = DataExport.objects.create(
                user=user, token=secrets.token_urlsafe(32)
            )
    except IntegrityError as error:
        raise ExportInProgress() from error
    transaction.on_commit(lambda: _enqueue(export.pk))
    return export


def _enqueue(export_id: int) -> None:
    from privacy.exporting.tasks import data_export_build

    data_export_build.delay(export_id)


def data_export_build(*, export_id: int) -> str:
    """Idempotent: a finished export is left alone; a RUNNING one (a worker
    lost mid-way, ``acks_late``) is built again from the start."""
    export = DataExport.objects.select_related("user").filter(pk=export_id).first()
    if export is None or export.status not in DataExport.ACTIVE_STATUSES:
        return "skipped"
    _mark(export, status=DataExport.Status.RUNNING, started_at=timezone.now())
    try:
        export_build_file(export=export)
    except Exception as error:  # recorded for the user: they can ask again
        logger.exception("data export %s failed", export.pk)
        _mark(export, status=DataExport.Status.FAILED, error=repr(error)[:2000])
        return "failed"
    _finish(export)
    return "ready"


def _mark(export: DataExport, **values: object) -> None:
    for name, value in values.items():
        setattr(export, name, value)
    DataExport.objects.filter(pk=export.pk).update(**values)


def _finish(export: DataExport) -> None:
    now = timezone.now()
    ttl = dt.timedelta(days=settings.PRIVACY_EXPORT_TTL_DAYS)
    _mark(
        export,
        status=DataExport.Status.READY,
        progress=100,
        step="",
        file=export.file.name,
        size_bytes=export.size_bytes,
        finished_at=now,
        expires_at=now + ttl,
    )
    _notify_ready(export)


def _notify_ready(export: DataExport) -> None:
    title = _("Your data export is ready to download until %(date)s.") % {
        "date": f"{export.expires_at:%d %b %Y}"
    }
    link = settings.SITE_URL.rstrip("/") + PAGE_URL
    body = _(
        "The copy of your data you asked for is ready. Download it from %(link)s "
        "(sign in first). The link works for %(days)s days."
    ) % {"link": link, "days": settings.PRIVACY_EXPORT_TTL_DAYS}
    notify(
        recipient=export.user,
        kind=Kind.PRIVACY,
        title=title,
        url=PAGE_URL,
        email=Email(subject=title, body=body),
        dedupe_key=f"export:{export.pk}",
    )


def data_export_mark_downloaded(*, export: DataExport) -> None:
    """The first download only: a conditional UPDATE, so two at once agree."""
    now = timezone.now()
    updated = DataExport.objects.filter(
        pk=export.pk, downloaded_at__isnull=True
    ).update(downloaded_at=now)
    if updated:
        export.downloaded_at = now


def data_exports_expire(rows: QuerySet) -> int:
    """Retention (``privacy.retention``, class ``data_exports``): the file goes
    and the row says expired; the row itself goes later (``data_export_rows``)."""
    for export in rows.exclude(file=""):
        export.file.delete(save=False)
    return rows.update(status=DataExport.Status.EXPIRED, file="")


def reverse_download(export: DataExport) -> str:
    return reverse("privacy_export:download", kwargs={"token": export.token})
