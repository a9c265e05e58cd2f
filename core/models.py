from django.db import models


class TimestampedModel(models.Model):
    """Abstract base: every business record knows when it was made and last changed."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class OutboxEntry(models.Model):
    """A Celery task to run, written in the same transaction as its cause
    (docs/architecture.md, invariant 11): the broker only carries its id, so a
    message Redis loses is still here, and ``core.tasks.deliver_pending`` sends it
    again. ``core.outbox.outbox_run`` runs the task and stamps ``delivered_at`` in
    one transaction, so it takes effect once however often it is delivered."""

    task = models.CharField(max_length=200)
    args = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    # When the sweep may (re)send it: a moment after creation, then backing off.
    due_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["due_at"],
                condition=models.Q(delivered_at__isnull=True),
                name="core_outbox_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.task}{tuple(self.args)}"
