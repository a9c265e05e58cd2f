"""Trust and safety records (docs/moderation.md).

``Report``: someone (or an automated check) flags a profile, a photo, a
message, a review or a user for the moderators. What was reported is kept as an
encrypted snapshot (core/crypto.py), so the evidence survives the original's
deletion (a wiped conversation, the retention purge) without sitting in the
database as plain text. Every report is due by ``due_at``.

``Decision``: what a moderator (or the platform) decided, on which ground
(moderation.reasons); ``Sanction``: a suspension or ban it imposed, with what it
took away so that lifting it can give it back; ``Statement``: the statement of
reasons the affected person receives; ``Appeal``: their complaint against it,
decided by a different moderator."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils.translation import gettext_lazy as _

from core.models import TimestampedModel
from moderation.reasons import Ground, ReasonCode, ground_for

DETAILS_MAX_LENGTH = 2000


def optional_user() -> models.ForeignKey:
    """A person a moderation record names (assigned moderator, decider,
    subject...): optional, and kept as empty when their account is erased,
    so the record outlives them."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )


class ReportCategory(models.TextChoices):
    SPAM = "spam", _("Spam or advertising")
    HARASSMENT = "harassment", _("Harassment or abuse")
    SCAM = "scam", _("Scam or fraud")
    UNDERAGE = "underage", _("A possible minor")
    TRAFFICKING = "trafficking", _("Possible trafficking or coercion")
    IMPERSONATION = "impersonation", _("Impersonation or stolen photos")
    EXPLICIT = "explicit", _("Explicit content")
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

# Every report is due within these times of filing (card-network rules ask
# complaints to be resolved within 7 days; a possible minor or trafficking is
# handled within hours). report_create sets ``due_at`` from them.
DUE_WITHIN = {
    ReportPriority.TOP: dt.timedelta(hours=4),
    ReportPriority.NORMAL: dt.timedelta(days=7),
}


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
    # When a moderator must have decided (DUE_WITHIN by priority).
    due_at = models.DateTimeField()
    # Filed by an automated check (moderation.checks), not by a person.
    automated = models.BooleanField(default=False)
    # Without a reporter (an anonymous visitor, an automated check) a repeat is
    # recognised by this key: a salted hash of the visitor's session, or the
    # check's name and what it saw. Blank for signed-in reporters.
    dedupe_key = models.CharField(max_length=64, blank=True)
    # The user the reported thing belongs to (a profile's owner, a message's
    # sender): previous reports against them, their trust score, the statement.
    subject_user = optional_user()
    assigned_to = optional_user()
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["reporter", "target_content_type", "target_id"],
                name="moderation_report_once_per_reporter_and_target",
            ),
            models.UniqueConstraint(
                fields=["dedupe_key", "target_content_type", "target_id"],
                condition=~Q(dedupe_key=""),
                name="moderation_report_once_per_key_and_target",
            ),
            models.CheckConstraint(
                condition=Q(status=ReportStatus.OPEN, closed_at__isnull=True)
                | Q(status=ReportStatus.CLOSED, closed_at__isnull=False),
                name="moderation_report_closed_at_with_status",
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
            ),
            models.Index(fields=["status", "due_at"], name="moderation_report_due"),
            models.Index(
                fields=["target_content_type", "target_id"],
                name="moderation_report_target",
            ),
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


class DecisionAction(models.TextChoices):
    DISMISS = "dismiss", _("Dismiss the report")
    REMOVE_CONTENT = "remove_content", _("Remove the content")
    UNPUBLISH_PROFILE = "unpublish_profile", _("Unpublish the profile")
    SUSPEND = "suspend", _("Suspend the user")
    BAN = "ban", _("Ban the user")
    LIFT = "lift", _("Lift a suspension or ban")
    # An appeal's outcomes (Appeal.decision_on_appeal).
    CONFIRM = "confirm", _("Confirm on appeal")
    REVERSE = "reverse", _("Reverse on appeal")


# The actions that weigh on someone: each gives its affected user a Statement.
ADVERSE_ACTIONS = (
    DecisionAction.REMOVE_CONTENT,
    DecisionAction.UNPUBLISH_PROFILE,
    DecisionAction.SUSPEND,
    DecisionAction.BAN,
)


class Decision(models.Model):
    """One decision, as taken: never edited (a change of mind is a new decision:
    a lift, an appeal's reversal). ``actor`` None with ``automated`` True means
    the platform decided by itself (an expired suspension lifted)."""

    Action = DecisionAction

    report = models.ForeignKey(
        Report,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decisions",
    )
    appeal = models.ForeignKey(
        "Appeal",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decisions",
    )
    action = models.CharField(max_length=20, choices=DecisionAction.choices)
    reason_code = models.CharField(max_length=24, choices=ReasonCode.choices)
    # The moderator's own words to the affected person (the statement quotes
    # them); never the reporter's identity.
    note = models.TextField(blank=True, max_length=2000)
    actor = optional_user()
    automated = models.BooleanField(default=False)
    target_content_type = models.ForeignKey(
        ContentType,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("target_content_type", "target_id")
    affected_user = optional_user()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=DecisionAction.values),
                name="moderation_decision_known_action",
            ),
            models.CheckConstraint(
                condition=Q(reason_code__in=ReasonCode.values),
                name="moderation_decision_known_reason",
            ),
            models.CheckConstraint(
                condition=Q(actor__isnull=False) | Q(automated=True),
                name="moderation_decision_has_actor_or_is_automated",
            ),
        ]

    def __str__(self) -> str:
        return f"Decision {self.pk} ({self.action})"

    @property
    def ground(self) -> Ground:
        return ground_for(self.reason_code)


class SanctionKind(models.TextChoices):
    SUSPENSION = "suspension", _("Suspension")
    BAN = "ban", _("Ban")


class Sanction(models.Model):
    """A suspension (until ``ends_at``) or a ban (no end) of ``user``, imposed by
    ``decision``. While active, ``User.is_suspended`` is set: the one flag every
    public surface, messaging and bookings read (accounts.selectors.
    may_have_live_profile_q). ``unpublished_page_ids`` lists the profiles it
    took offline, so lifting it republishes exactly those."""

    Kind = SanctionKind

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sanctions"
    )
    kind = models.CharField(max_length=12, choices=SanctionKind.choices)
    decision = models.OneToOneField(
        Decision, on_delete=models.PROTECT, related_name="sanction"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField(null=True, blank=True)
    unpublished_page_ids = models.JSONField(default=list, blank=True)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        Decision,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lifted_sanctions",
    )

    class Meta:
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(lifted_at__isnull=True),
                name="moderation_sanction_one_active_per_user",
            ),
            models.CheckConstraint(
                condition=Q(kind=SanctionKind.BAN, ends_at__isnull=True)
                | Q(kind=SanctionKind.SUSPENSION, ends_at__isnull=False),
                name="moderation_sanction_ban_has_no_end",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=F("starts_at")),
                name="moderation_sanction_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(lifted_at__isnull=True) | Q(lifted_by__isnull=False),
                name="moderation_sanction_lifted_by_a_decision",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of user {self.user_id}"


class Statement(TimestampedModel):
    """The statement of reasons (DSA Art. 17) the affected person receives for
    an adverse decision: what was decided, on which ground (the clause, quoted as
    it stood), whether it was automated, and how and until when to appeal. A
    snapshot: later edits of the grounds do not rewrite it."""

    decision = models.OneToOneField(
        Decision, on_delete=models.PROTECT, related_name="statement"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    summary = models.TextField()  # what was decided, in plain words
    ground_clause = models.CharField(max_length=16)
    ground_title = models.CharField(max_length=100)
    ground_text = models.TextField()
    automated = models.BooleanField(default=False)
    appeal_until = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Statement {self.pk}"


class AppealStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a moderator")
    CONFIRMED = "confirmed", _("Decision confirmed")
    REVERSED = "reversed", _("Decision reversed")


class Appeal(TimestampedModel):
    """The affected person's complaint against a decision (DSA Art. 20): one per
    statement, decided by a moderator other than the one who decided first
    (``original_actor``, copied here so the database can check it)."""

    Status = AppealStatus

    statement = models.OneToOneField(
        Statement, on_delete=models.PROTECT, related_name="appeal"
    )
    appellant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    text = models.TextField(max_length=DETAILS_MAX_LENGTH)
    status = models.CharField(
        max_length=10, choices=AppealStatus.choices, default=AppealStatus.PENDING
    )
    original_actor = optional_user()
    assigned_to = optional_user()
    decided_by = optional_user()
    response = models.TextField(blank=True, max_length=DETAILS_MAX_LENGTH)
    decided_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField()

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=AppealStatus.values),
                name="moderation_appeal_known_status",
            ),
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True)
                | Q(original_actor__isnull=True)
                | ~Q(decided_by=F("original_actor")),
                name="moderation_appeal_other_moderator",
            ),
            models.CheckConstraint(
                condition=Q(assigned_to__isnull=True)
                | Q(original_actor__isnull=True)
                | ~Q(assigned_to=F("original_actor")),
                name="moderation_appeal_assigned_to_other_moderator",
            ),
            models.CheckConstraint(
                condition=Q(
                    status=AppealStatus.PENDING,
                    decided_at__isnull=True,
                    decided_by__isnull=True,
                )
                | (
                    ~Q(status=AppealStatus.PENDING)
                    & Q(decided_at__isnull=False, decided_by__isnull=False)
                ),
                name="moderation_appeal_decided_fields_with_status",
            ),
        ]

    def __str__(self) -> str:
        return f"Appeal {self.pk} ({self.status})"


# The automated checks' and trust score's models live in their own module.
from moderation.automated_models import (  # noqa: E402, F401
    PhotoFingerprint,
    TextRule,
    TrustScore,
)
