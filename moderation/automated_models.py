"""Models of the automated checks (docs/automated-checks.md) and the trust
score (docs/trust-score.md). Imported by ``moderation.models``.

``TextRule``: one term of the lists moderators edit in the admin (banned
terms, explicit terms, contact patterns, terms to watch). ``PhotoFingerprint``:
the perceptual hash of an uploaded image and who uploaded it.
``TrustScore``: a user's score with the signals it came from."""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import TimestampedModel

TERM_MAX_LENGTH = 100
# A term is words (letters, digits), spaces and a little punctuation, plus two
# wildcards: "*" any letters or digits ("onlyfan*"), "#" one digit. No regular
# expressions from the admin: a wildcard compiles to a possessive pattern, so
# no term can make the check slow (docs/automated-checks.md, "Terms").
TERM_CHARACTERS = re.compile(r"^[\w\s.\-'@/:*#&+]+$")


class TextRuleKind(models.TextChoices):
    BANNED = "banned_term", _("Banned term (blocks)")
    EXPLICIT = "explicit_term", _("Explicit term (blocks)")
    CONTACT = "contact_pattern", _("Contact pattern (blocks in bios)")
    WATCH = "watch_term", _("Term to watch (flags for review)")


def validate_term(value: str) -> None:
    text = value.strip()
    if not text or not TERM_CHARACTERS.match(text):
        raise ValidationError(
            _(
                "Use letters, digits, spaces and . - ' @ / : & +; "
                "* stands for any letters, # for one digit."
            )
        )
    if not re.search(r"\w", text.replace("*", "").replace("#", "")):
        raise ValidationError(_("A term needs at least one letter or digit."))


class TextRule(TimestampedModel):
    """One entry of an admin-edited list. Matched as whole words, ignoring
    case (moderation.checks); saving or deleting one refreshes the cached
    lists everywhere (moderation.automated_signals)."""

    Kind = TextRuleKind

    kind = models.CharField(max_length=16, choices=TextRuleKind.choices)
    term = models.CharField(
        max_length=TERM_MAX_LENGTH,
        validators=[validate_term],
        help_text=_(
            "Matched as whole words, ignoring case. * stands for any letters "
            "(e.g. onlyfan*), # for one digit."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)
    note = models.CharField(
        max_length=255, blank=True, help_text=_("Why it is on the list.")
    )

    class Meta:
        ordering = ["kind", "term"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "term"], name="moderation_textrule_unique_term"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=TextRuleKind.values),
                name="moderation_textrule_known_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.term} ({self.get_kind_display()})"

    def clean(self) -> None:
        self.term = " ".join(self.term.split()).lower()


class PhotoFingerprint(models.Model):
    """The 64-bit perceptual hash (imagehash.phash) of an uploaded image, as a
    signed bigint so PostgreSQL can compute the Hamming distance itself:
    ``bit_count((phash # other)::bit(64))``. ``image_id`` is not a foreign key:
    the fingerprint outlives a deleted image, so a re-upload of a removed
    stolen photo is still recognised."""

    image_id = models.BigIntegerField(unique=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    phash = models.BigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["owner"], name="moderation_photofp_owner"),
        ]

    def __str__(self) -> str:
        return f"Fingerprint of image {self.image_id}"

    @property
    def phash_hex(self) -> str:
        return f"{self.phash & (2**64 - 1):016x}"


class TrustScore(models.Model):
    """A user's trust score, 0-100, and the signals it came from
    (moderation.trust; docs/trust-score.md). Moderators only: no public page
    or API reads this table."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    score = models.PositiveSmallIntegerField()
    # [{"signal": ..., "label": ..., "value": ..., "points": ...}, ...]
    breakdown = models.JSONField(default=list)
    computed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=0, score__lte=100),
                name="moderation_trustscore_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Trust {self.score} of user {self.user_id}"
