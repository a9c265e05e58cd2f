"""Trust and safety records. ``Report``: someone flags a message (later also a
profile or a review) for the moderators. What was reported is kept as an
encrypted snapshot (core/crypto.py), so the evidence survives the original's
deletion (a wiped conversation, the retention purge) without sitting in the
database as plain text."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Case, Q, Value, When
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils.translation import gettext_lazy as _

from core.models import TimestampedModel

DETAILS_MAX_LENGTH = 2000


class ReportCategory(models.TextChoices):
    SPAM = "spam", _("Spam or advertising")
    HARASSMENT = "harassment", _("Harassment or abuse")
    SCAM = "scam", _("Scam or fraud")
    UNDERAGE = "underage", _("A possible minor")
    TRAFFICKING = "trafficking", _("Possible trafficking or coercion")
    # Filed by escorts through the private safety channel (/dashboard/safety/).
    COERCION = "coercion", _("Coercion or pressure")
    PAYMENT_WITHHELD = "payment_withheld", _("Payment withheld")
    SAFETY = "safety", _("Safety concern")
    OTHER = "other", _("Something else")


class ReportPriority(models.IntegerChoices):
    # Lower sorts first: the queue is read in ascending priority.
    TOP = 1, _("Top priority")
    NORMAL = 2, _("Normal")


class ReportStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


TOP_PRIORITY_CATEGORIES = (
    ReportCategory.UNDERAGE,
    ReportCategory.TRAFFICKING,
    ReportCategory.COERCION,
)


class Report(TimestampedModel):
    Category = ReportCategory
    Priority = ReportPriority
    Status = ReportStatus

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,  # the report outlives an erased account
        on_delete=models.SET_NULL,
        related_name="+",
    )
    category = models.CharField(max_length=16, choices=ReportCategory.choices)
    # Computed by PostgreSQL from the category: no code path can file a report
    # about a possible minor at normal priority.
    priority = models.GeneratedField(
        expression=Case(
            When(
                category__in=TOP_PRIORITY_CATEGORIES,
                then=Value(ReportPriority.TOP.value),
            ),
            default=Value(ReportPriority.NORMAL.value),
        ),
        output_field=models.PositiveSmallIntegerField(),
        db_persist=True,
    )
    details = models.TextField(blank=True)  # plain text from the reporter
    target_content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+"
    )
    target_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("target_content_type", "target_id")
    evidence_encrypted = models.TextField()  # a Fernet token of a JSON snapshot
    status = models.CharField(
        max_length=8, choices=ReportStatus.choices, default=ReportStatus.OPEN
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["reporter", "target_content_type", "target_id"],
                name="moderation_report_once_per_reporter_and_target",
            ),
            models.CheckConstraint(
                condition=Q(category__in=ReportCategory.values),
                name="moderation_report_known_category",
            ),
            models.CheckConstraint(
                condition=Q(status__in=ReportStatus.values),
                name="moderation_report_known_status",
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("details"), DETAILS_MAX_LENGTH),
                name="moderation_report_details_length",
            ),
        ]
        indexes = [
            models.Index(
                fields=["status", "priority", "created_at"],
                name="moderation_report_queue",
            )
        ]

    def __str__(self) -> str:
        return f"Report {self.pk} ({self.category})"

    @property
    def priority_label(self) -> str:
        return str(ReportPriority(self.priority).label)


SAFETY_CATEGORIES = (
    ReportCategory.COERCION,
    ReportCategory.PAYMENT_WITHHELD,
    ReportCategory.SAFETY,
    ReportCategory.OTHER,
)


class SafetyMessage(TimestampedModel):
    """One message of an escort to the safety team (moderation.views.safety):
    the target of its ``Report``, so each message is its own report (a report
    is unique per reporter and target). ``agency`` is the agency listing the
    escort when they wrote, for the moderators; agencies never read these
    (they are not moderators, and no agency page or API lists reports)."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,  # the record outlives an erased account
        on_delete=models.SET_NULL,
        related_name="+",
    )
    agency = models.ForeignKey(
        "directory.Agency", null=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"Safety message {self.pk}"
