"""Conversations between a client and a profile. Bodies are stored encrypted
(core/crypto.py); a message is saved before it is fanned out (docs/architecture.md,
invariant 6), and clients resync by the last id they saw."""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from core.models import TimestampedModel
from core.storages import private_storage
from directory.models import EscortProfilePage


class MessagingGate(models.Model):
    """Who may start a thread with a profile; a profile without a row takes the
    default (any signed-in account with a verified email)."""

    class Mode(models.TextChoices):
        VERIFIED_EMAIL = "verified_email", _("Anyone signed in with a verified email")
        ACCOUNT_AGE = "account_age", _("Only accounts older than some days")
        AFTER_BOOKING_REQUEST = "after_booking", _("Only after a booking request")

    profile = models.OneToOneField(
        EscortProfilePage, on_delete=models.CASCADE, related_name="messaging_gate"
    )
    mode = models.CharField(max_length=16, choices=Mode.choices)
    min_account_age_days = models.PositiveSmallIntegerField(
        default=7, validators=[MaxValueValidator(365)]
    )

    def __str__(self) -> str:
        return f"{self.profile_id}: {self.mode}"


class Thread(TimestampedModel):
    """One per client and profile. The provider side is the profile's owner and
    its agency's members; per-side read position, archive and mute."""

    client = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="threads"
    )
    profile = models.ForeignKey(
        EscortProfilePage, on_delete=models.CASCADE, related_name="threads"
    )
    booking = models.ForeignKey(
        "bookings.Booking",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="threads",
    )
    last_message_at = models.DateTimeField(null=True, blank=True)
    client_last_read_id = models.BigIntegerField(default=0)
    provider_last_read_id = models.BigIntegerField(default=0)
    client_archived = models.BooleanField(default=False)
    provider_archived = models.BooleanField(default=False)
    client_muted = models.BooleanField(default=False)
    provider_muted = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["client", "profile"], name="messaging_one_thread_per_pair"
            )
        ]
        indexes = [models.Index(fields=["-last_message_at", "id"])]

    def __str__(self) -> str:
        return f"Thread {self.pk}"


class Message(models.Model):
    thread = models.ForeignKey(
        Thread, on_delete=models.CASCADE, related_name="messages"
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    body_encrypted = models.TextField()  # a Fernet token, never the text
    # Sent by the platform on the sender's behalf (an away auto-reply): shown as
    # such, and never counted as a reply in response times (analytics).
    automatic = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["thread", "id"])]

    def __str__(self) -> str:
        return f"Message {self.pk}"


def attachment_path(instance: MessageAttachment, filename: str) -> str:
    """A random name: nothing about the thread, sender or upload is in it, and
    it cannot be guessed. The extension comes from the decoded format."""
    extension = filename.rsplit(".", 1)[-1].lower()
    return f"message-attachments/{secrets.token_urlsafe(24)}.{extension}"


class MessageAttachment(models.Model):
    """An image sent with a message: re-encoded without metadata, in the private
    store, served only to the thread's participants by a view."""

    message = models.OneToOneField(
        Message, on_delete=models.CASCADE, related_name="attachment"
    )
    file = models.FileField(storage=private_storage, upload_to=attachment_path)
    content_type = models.CharField(max_length=32)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"Attachment of message {self.message_id}"


class Block(models.Model):
    blocker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    blocked = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["blocker", "blocked"], name="messaging_block_once"
            ),
            models.CheckConstraint(
                condition=~Q(blocker=F("blocked")), name="messaging_no_self_block"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.blocker_id} blocks {self.blocked_id}"


# --- Agency tools: message templates and away replies (docs/agency-tools.md) ------

TEMPLATE_TITLE_MAX = 80
TEMPLATE_BODY_MAX = 2000
AWAY_MESSAGE_MAX = 500


class MessageTemplate(TimestampedModel):
    """A reusable answer: a person's own (``owner``) or shared by an agency
    (``agency``), never both. Titles are unique per owner and per agency,
    ignoring case, so a list of them reads unambiguously."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="message_templates",
    )
    agency = models.ForeignKey(
        "directory.Agency",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="message_templates",
    )
    title = models.CharField(_("title"), max_length=TEMPLATE_TITLE_MAX)
    body = models.TextField(_("text"), max_length=TEMPLATE_BODY_MAX)

    class Meta:
        ordering = ["title", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(owner__isnull=True) ^ Q(agency__isnull=True),
                name="messaging_template_one_holder",
            ),
            models.UniqueConstraint(
                Lower("title"),
                "owner",
                condition=Q(owner__isnull=False),
                name="messaging_template_title_per_owner",
            ),
            models.UniqueConstraint(
                Lower("title"),
                "agency",
                condition=Q(agency__isnull=False),
                name="messaging_template_title_per_agency",
            ),
            models.CheckConstraint(
                condition=~Q(title="") & ~Q(body=""),
                name="messaging_template_not_empty",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_shared(self) -> bool:
        return self.agency_id is not None


class AwayReply(models.Model):
    """A profile's automatic answer while nobody can reply. Sent at most once a
    day per conversation (messaging.away); ``until`` ends it by itself."""

    profile = models.OneToOneField(
        EscortProfilePage, on_delete=models.CASCADE, related_name="away_reply"
    )
    enabled = models.BooleanField(_("send an automatic reply"), default=False)
    message = models.CharField(_("message"), max_length=AWAY_MESSAGE_MAX, blank=True)
    until = models.DateTimeField(_("until"), null=True, blank=True)
    # Who last set it: the sender of the replies when the profile has no owner
    # (an agency profile whose escort account is gone).
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(enabled=False) | ~Q(message=""),
                name="messaging_away_enabled_has_message",
            ),
        ]

    def __str__(self) -> str:
        return f"Away reply of {self.profile_id}"

    def is_active_at(self, moment: dt.datetime) -> bool:
        return self.enabled and (self.until is None or moment < self.until)
