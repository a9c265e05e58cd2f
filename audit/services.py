"""The one way to write the audit log. Apps describe their events in their own
``events.py`` (one small typed function per event) and call ``audit_record``."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from typing import Any

from django.db import connection, models, transaction
from django.db.models import F, Func, Value

from accounts.models import User
from audit.models import AuditEntry


def audit_record(
    *,
    actor: User | None,
    action: str,
    target: models.Model | type[models.Model],
    reason: str = "",
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append an entry in the caller's transaction: if the audited change rolls
    back, so does its entry. ``actor`` None means the platform itself (a task).
    ``target`` a model class means the table as a whole (an export of it)."""
    whole_table = isinstance(target, type)
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        actor_label=_label_of(actor),
        action=action,
        target_type=target._meta.label_lower,
        target_id=None if whole_table else target.pk,
        target_label=(
            str(target._meta.verbose_name_plural) if whole_table else str(target)
        )[:254],
        reason=reason[:2000],
        data=data or {},
    )


def _label_of(actor: User | None) -> str:
    if actor is None or not actor.pk:
        return "platform"
    return actor.email


@transaction.atomic
def audit_labels_pseudonymise(
    *,
    user: User,
    address: str,
    label: str,
    targets: Mapping[str, tuple[Collection[int], str]],
) -> int:
    """Kept entries stop naming a closed account's person: where they acted,
    where they were the target, and where a label quotes their ``address``, the
    label becomes ``label``; entries about ``targets`` (model label: ids and
    their new label, e.g. their deleted profiles) get that label. Only labels
    change: the trigger of migration 0003 lets nothing else through, and only
    while ``audit.pseudonymise`` is on in this transaction. The change is
    itself audited. Returns how many labels were rewritten."""
    entries = AuditEntry.objects.all()
    _pseudonymise_allowed(True)
    try:
        changed = entries.filter(actor_id=user.pk).update(actor_label=label)
        changed += entries.filter(
            target_type=User._meta.label_lower, target_id=user.pk
        ).update(target_label=label)
        for target_type, (ids, target_label) in targets.items():
            changed += entries.filter(
                target_type=target_type, target_id__in=list(ids)
            ).update(target_label=target_label)
        # The whole address only: "ana@x.example" must not rewrite the middle of
        # "diana@x.example" (characters an address may hold bound the match).
        quoted = rf"(^|[^\w.%+-]){re.escape(address)}($|[^\w.-])"
        for column in ("actor_label", "target_label"):
            quoting = entries.filter(**{f"{column}__regex": quoted})
            changed += quoting.update(
                **{
                    column: Func(
                        F(column),
                        Value(quoted),
                        Value(rf"\1{label}\2"),
                        Value("g"),
                        function="regexp_replace",
                    )
                }
            )
    finally:
        _pseudonymise_allowed(False)
    audit_record(  # the row as it is now (a tombstone), not the caller's copy
        actor=None,
        action="audit.labels_pseudonymised",
        target=User.objects.get(pk=user.pk),
        data={"labels": changed},
    )
    return changed


def _pseudonymise_allowed(allowed: bool) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('audit.pseudonymise', %s, true)",
            ["on" if allowed else "off"],
        )
