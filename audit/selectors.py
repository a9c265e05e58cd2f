from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import models
from django.db.models import F, Func, Q, QuerySet, Value
from django.utils import timezone

from audit.models import AuditEntry

# An export streams at most this many rows (newest first): enough for any
# inquiry a moderator or an auditor runs, without one click dumping the table.
EXPORT_ROW_CAP = 10_000


def audit_entries_for(*, target: models.Model) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(
        target_type=target._meta.label_lower, target_id=target.pk
    )


@dataclass(frozen=True)
class AuditQuery:
    """What a moderator searches the audit log for. Dates are whole days in the
    site's time zone, both included."""

    text: str = ""
    action_prefix: str = ""
    actor: str = ""  # the actor's label: an email address, or "platform"
    target_type: str = ""  # app_label.model, as stored
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    def as_data(self) -> dict[str, str]:
        """The criteria that were set, as text (what an export's audit row keeps)."""
        return {
            name: str(value)
            for name, value in self.__dict__.items()
            if value not in ("", None)
        }


def audit_search(query: AuditQuery) -> QuerySet[AuditEntry]:
    """The one home of audit log search: the admin listing and its CSV export
    both read it. Newest first."""
    entries = AuditEntry.objects.all()
    if query.text:
        entries = entries.filter(
            Q(action__icontains=query.text)
            | Q(actor_label__icontains=query.text)
            | Q(target_label__icontains=query.text)
            | Q(reason__icontains=query.text)
        )
    if query.action_prefix:
        entries = entries.filter(action__startswith=query.action_prefix)
    if query.actor:
        entries = entries.filter(actor_label__iexact=query.actor)
    if query.target_type:
        entries = entries.filter(target_type=query.target_type)
    # Bounds as instants (not created_at__date) so the created_at index serves.
    if query.date_from:
        entries = entries.filter(created_at__gte=_start_of(query.date_from))
    if query.date_to:
        next_day = query.date_to + dt.timedelta(days=1)
        entries = entries.filter(created_at__lt=_start_of(next_day))
    return entries.order_by("-created_at", "-id")


def audit_action_prefixes() -> list[str]:
    """The first segment of every action recorded ("moderation", "verification"
    …): the choices of the action filter."""
    prefix = Func(
        F("action"),
        Value("."),
        Value(1),
        function="split_part",
        output_field=models.CharField(),
    )
    return list(
        AuditEntry.objects.annotate(prefix=prefix)
        .order_by("prefix")
        .values_list("prefix", flat=True)
        .distinct()
    )


def audit_target_types() -> list[str]:
    return list(
        AuditEntry.objects.order_by("target_type")
        .values_list("target_type", flat=True)
        .distinct()
    )


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))
