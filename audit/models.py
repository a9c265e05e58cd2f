from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One thing a person (or the platform) did that must be accountable: who, what,
    to which object, why, when (docs/architecture.md, invariant 9).

    Append-only: a trigger (migration 0001) makes PostgreSQL refuse every UPDATE
    and DELETE of this table, whoever asks. That is why ``actor`` and the target
    carry no enforced foreign key: a cascade or SET NULL from a deleted user would
    be an UPDATE or DELETE here. The ids stay as pseudonymous references and the
    labels say what they were at the time."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_label = models.CharField(_("actor"), max_length=254, blank=True)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    target_type = models.CharField(_("target type"), max_length=100)
    target_id = models.BigIntegerField(_("target id"), null=True, blank=True)
    target_label = models.CharField(_("target"), max_length=254, blank=True)
    reason = models.TextField(_("reason"), blank=True, max_length=2000)
    data = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["target_type", "target_id"], name="audit_entry_target")
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action}"
