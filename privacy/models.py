"""Privacy: export, erasure with a receipt, the retention schedule
(docs/privacy.md). This app reads every app's data, so it sits above all of
them but the API (docs/architecture.md, "Dependency direction")."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cms_pages.models import StandardPage
from core.storages import private_storage


class PrivacyPolicyPage(StandardPage):
    """The privacy policy: a standard page (intro, body, editable in Wagtail)
    whose template adds the retention table from ``privacy.retention.SCHEDULE``.
    cms_pages cannot import privacy, so the table cannot be one of its blocks;
    a subclass keeps the editor's fields where they were (the seeded StandardPage
    is adopted by ``privacy.services.privacy_page_adopt``)."""

    template = "privacy/privacy_policy_page.html"
    parent_page_types = ["cms_pages.HomePage"]
    subpage_types: list[str] = []
    max_count = 1

    class Meta:
        verbose_name = _("privacy policy page")


class RetentionRun(models.Model):
    """One class's enforcement on one night: the admin's evidence that the
    schedule ran, and what it removed."""

    class_key = models.CharField(_("data class"), max_length=40, db_index=True)
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    affected = models.PositiveIntegerField(_("rows deleted or minimised"), default=0)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("retention run")
        verbose_name_plural = _("retention runs")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.class_key} {self.started_at:%Y-%m-%d %H:%M}: {self.affected}"


class DataExport(models.Model):
    """One person's request for a copy of their data (docs/privacy.md, "Export").
    A Celery task builds the zip in the private store and moves ``progress``
    along so the page can show it; the download link carries ``token`` and
    stops working at ``expires_at``. One export at a time per person: the
    partial unique constraint settles two requests racing."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Being prepared")
        READY = "ready", _("Ready to download")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired")

    ACTIVE_STATUSES = (Status.QUEUED, Status.RUNNING)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="data_exports",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    step = models.CharField(_("current step"), max_length=80, blank=True)
    # Random, unguessable, and only ever shown to the owner; the download view
    # also checks the owner, so a leaked link is useless to anyone else.
    token = models.CharField(_("download token"), max_length=64, unique=True)
    file = models.FileField(
        _("file"), storage=private_storage, upload_to="exports/", blank=True
    )
    size_bytes = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    expires_at = models.DateTimeField(_("link expires"), null=True, blank=True)
    downloaded_at = models.DateTimeField(_("first downloaded"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("data export")
        verbose_name_plural = _("data exports")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(status__in=["queued", "running"]),
                name="privacy_one_active_export_per_user",
            ),
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="privacy_export_progress_range"
            ),
        ]

    def __str__(self) -> str:
        return f"export {self.pk} of user {self.user_id}: {self.status}"


class AccountClosure(models.Model):
    """ "Close and erase my account" (docs/privacy.md, "Erasure"): scheduled with
    a grace period, cancellable until ``erase_after``, then carried out by the
    erasure job, which fills ``receipt`` with what was deleted and what was
    kept, why and until when. The user row itself stays as a pseudonymised
    tombstone (payments and audit entries under legal hold point at it), so
    this row keeps pointing at it too."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CANCELLED = "cancelled", _("Cancelled")
        COMPLETED = "completed", _("Erased")

    GRACE_DAYS = 7

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="account_closures",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED
    )
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    erase_after = models.DateTimeField(_("erase after"))
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    completed_at = models.DateTimeField(_("erased"), null=True, blank=True)
    # Where the receipt goes: the address is erased with the account, so the
    # receipt is sent before that, and its link carries this token.
    receipt_token = models.CharField(_("receipt token"), max_length=64, unique=True)
    receipt = models.JSONField(_("receipt"), default=dict, blank=True)
    # The profiles this closure paused (not those the owner had paused before):
    # a cancellation brings back exactly these.
    paused_profile_ids = models.JSONField(
        _("profiles paused by the closure"), default=list, blank=True
    )

    class Meta:
        verbose_name = _("account closure")
        verbose_name_plural = _("account closures")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(status="scheduled"),
                name="privacy_one_scheduled_closure_per_user",
            ),
        ]

    def __str__(self) -> str:
        return f"closure {self.pk} of user {self.user_id}: {self.status}"
