"""In-app notifications, the user's preferences per kind, and the email
deliveries behind them. Nothing here ever holds a message's text: callers pass
a title, a link and a generic email (messaging is private by design)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    MESSAGE = "message", _("New messages")
    BOOKING = "booking", _("Bookings")
    PROFILE_REVIEW = "profile_review", _("Profile review decisions")
    REVIEW = "review", _("Reviews")
    VERIFICATION = "verification", _("Identity verification")
    MODERATION = "moderation", _("Moderation decisions and report outcomes")
    PAYMENT = "payment", _("Payments, deposits and refunds")
    SUBSCRIPTION = "subscription", _("Plan and renewals")
    PRIVACY = "privacy", _("Your data: exports")


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=32, choices=Kind.choices)
    title = models.CharField(max_length=200)
    url = models.CharField(max_length=300)  # a path on this site
    # Unread notices of one group (a conversation) collapse into one row whose
    # count grows; reading it closes the group.
    group_key = models.CharField(max_length=100, blank=True)
    # Makes a retried task harmless: one notice per event and recipient.
    dedupe_key = models.CharField(max_length=100, blank=True)
    count = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "group_key"],
                condition=Q(read_at__isnull=True) & ~Q(group_key=""),
                name="notifications_one_unread_per_group",
            ),
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"],
                condition=~Q(dedupe_key=""),
                name="notifications_once_per_event",
            ),
        ]
        indexes = [
            models.Index(
                fields=["recipient", "-created_at", "-id"],
                name="notifications_inbox",
            ),
            models.Index(
                fields=["recipient", "kind"],
                condition=Q(read_at__isnull=True),
                name="notifications_unread",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id}: {self.title}"


class NotificationPreference(models.Model):
    """A missing row means both channels are on."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    kind = models.CharField(max_length=32, choices=Kind.choices)
    in_app = models.BooleanField(default=True)
    email = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind"], name="notifications_one_preference_per_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}: app={self.in_app} email={self.email}"


class EmailDelivery(models.Model):
    """One email to send, kept with its outcome so failures can be seen (and
    retried) from the admin."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=32, choices=Kind.choices)
    dedupe_key = models.CharField(max_length=100, blank=True)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    status = models.CharField(
        max_length=8, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # When the sweep (core.tasks.deliver_pending) may queue a pending email
    # again: the row, not the broker, is the record (docs/architecture.md,
    # invariant 11).
    due_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("email delivery")
        verbose_name_plural = _("email deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"],
                condition=~Q(dedupe_key=""),
                name="notifications_one_email_per_event",
            )
        ]
        indexes = [
            models.Index(
                fields=["-created_at"],
                condition=Q(status="failed"),
                name="notifications_failed_emails",
            ),
            models.Index(
                fields=["due_at"],
                condition=Q(status="pending"),
                name="notifications_pending_emails",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {self.recipient_id} ({self.status})"
