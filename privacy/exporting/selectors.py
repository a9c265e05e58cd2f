"""Reads of the export, scoped to the person (invariant 8): another user's
export is never found, so it answers 404."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from core.exceptions import NotFound
from privacy.models import DataExport


def exports_for(*, user: User) -> QuerySet[DataExport]:
    return DataExport.objects.filter(user=user).order_by("-requested_at", "-id")


def export_get_for(*, user: User, export_id: int) -> DataExport:
    export = exports_for(user=user).filter(pk=export_id).first()
    if export is None:
        raise NotFound("Export not found.")
    return export


def export_current_for(*, user: User) -> DataExport | None:
    """The newest export, whatever its state: what the page shows first."""
    return exports_for(user=user).first()


def export_downloadable_get(*, user: User, token: str) -> DataExport:
    """Ready, not expired, the user's own: anything else is 404."""
    export = (
        exports_for(user=user)
        .filter(
            token=token,
            status=DataExport.Status.READY,
            expires_at__gt=timezone.now(),
        )
        .exclude(file="")
        .first()
    )
    if export is None:
        raise NotFound("Export not found.")
    return export
