"""Identity and age verification with zero retention (docs/verification.md).

A provider (or an agency's responsible person) asks for a one-time code, takes a
selfie holding it, and uploads it with an identity document. Both files sit in
the private store, encrypted, until a moderator decides; at the decision they
are deleted and only a ``VerificationAttestation`` stays (append-only)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import TimestampedModel
from core.storages import private_storage


class RefusalReason(models.TextChoices):
    UNREADABLE = "unreadable", _("The document or selfie cannot be read")
    EXPIRED = "expired", _("The document has expired")
    MISMATCH = "mismatch", _("The selfie, code or document do not match")
    UNDER_18 = "under_18", _("The document shows a person under 18")
    OTHER = "other", _("Other")


class VerificationChallenge(models.Model):
    """The one-time code shown on screen, to be held up in the selfie. Used once,
    valid for a short time (``VERIFICATION_CODE_TTL``)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="verification_challenges",
    )
    code = models.CharField(max_length=12, unique=True)
    issued_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.code


class VerificationRequestQuerySet(models.QuerySet):
    def pending(self) -> VerificationRequestQuerySet:
        return self.filter(status=VerificationRequest.Status.PENDING)


class VerificationRequest(TimestampedModel):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a moderator")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="verification_requests",
    )
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.PENDING
    )
    code = models.CharField(_("selfie code"), max_length=12)
    # Encrypted bytes (core.crypto) in the private store, under random names;
    # emptied at the decision, when the files are deleted.
    document = models.FileField(storage=private_storage, blank=True, max_length=200)
    document_content_type = models.CharField(max_length=64, blank=True)
    selfie = models.FileField(storage=private_storage, blank=True, max_length=200)
    selfie_content_type = models.CharField(max_length=64, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.CharField(max_length=16, choices=RefusalReason.choices, blank=True)
    note = models.TextField(blank=True, max_length=1000)

    objects = VerificationRequestQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        permissions = [("decide_verification", "Can see and decide verifications")]
        constraints = [
            # One request waiting per person: a second upload is refused (409).
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(status="pending"),
                name="verification_one_pending_per_user",
            ),
            models.CheckConstraint(
                condition=Q(status="pending")
                | (Q(document="") & Q(selfie="") & Q(decided_at__isnull=False)),
                name="verification_files_gone_once_decided",
            ),
            models.CheckConstraint(
                condition=~Q(status="refused") | ~Q(reason=""),
                name="verification_refusal_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Verification #{self.pk} ({self.get_status_display()})"


class VerificationAttestation(models.Model):
    """What stays after a decision: outcome, method, whether the date of birth
    showed 18 or older (never the date), who decided and when. Append-only: the
    database refuses updates and deletes (migration 0002). No enforced foreign
    keys, so deleting an account cannot cascade into it (the privacy issue
    pseudonymises by leaving the ids)."""

    class Outcome(models.TextChoices):
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    class Method(models.TextChoices):
        DOCUMENT_AND_SELFIE = "document_selfie", _("Identity document and selfie")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="verification_attestations",
    )
    request_id = models.BigIntegerField(unique=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    method = models.CharField(
        max_length=24, choices=Method.choices, default=Method.DOCUMENT_AND_SELFIE
    )
    over_18_checked = models.BooleanField(
        _("date of birth checked: 18 or older"), default=False
    )
    reason = models.CharField(max_length=16, choices=RefusalReason.choices, blank=True)
    note = models.TextField(blank=True, max_length=1000)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    decided_at = models.DateTimeField()
    submitted_at = models.DateTimeField()

    class Meta:
        ordering = ["-decided_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(outcome="approved") | Q(over_18_checked=True),
                name="verification_approval_checked_adult",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} on {self.decided_at:%Y-%m-%d}"


class PhotoVerification(models.Model):
    """A moderator's statement that one image shows the verified person, bound to
    the image's id and content hash (Wagtail's ``file_hash``): replacing or
    editing the file changes the hash, so the badge lapses by itself. The image
    lives in cms_pages (above this app), hence an id and not a foreign key."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    image_id = models.BigIntegerField()
    file_hash = models.CharField(max_length=40)
    verified_at = models.DateTimeField(auto_now_add=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["image_id", "file_hash"], name="verification_photo_once"
            )
        ]


class VerificationRerequest(models.Model):
    """A moderator asked a verified person to verify again. It changes nothing
    on its own: the person stays verified (and their profiles live) until the
    next decision, which closes it; a refusal then clears the flag."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="verification_rerequests",
    )
    reason = models.TextField(max_length=1000)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(closed_at__isnull=True),
                name="verification_one_open_rerequest",
            )
        ]

    def __str__(self) -> str:
        return f"Re-verification asked of {self.user_id}"
