"""Receivers of the automated checks and the trust score, connected by
``ModerationConfig.ready``. Signals only where moderation must react to a
model of a lower or sibling app that cannot call it (docs/architecture.md):

- ``CustomImage`` created → its perceptual hash (moderation.photos);
- ``TextRule`` saved or deleted → the cached lists are dropped;
- a booking completed or a no-show, a review saved, a verification decided, a
  moderation decision taken → the trust scores involved are recomputed by a
  task after commit (moderation.trust_tasks). Reviews are named by label:
  moderation does not import reviews (reviews imports moderation)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from bookings.models import Booking
from cms_pages.models import CustomImage
from core.outbox import task_send
from moderation.automated_models import TextRule
from moderation.checks import rules_cache_clear
from moderation.models import Decision
from moderation.photos import photo_fingerprint_record
from verification.models import VerificationAttestation

TRUST_BOOKING_STATUSES = (Booking.Status.COMPLETED, Booking.Status.NO_SHOW)


def trust_refresh_after_commit(kind: str, object_id: int | None) -> None:
    """Recompute after commit (what the score reads is then visible). A lost
    message costs nothing lasting: ``trust_for`` recomputes a stale score."""
    if object_id is None:
        return
    from moderation.trust_tasks import trust_refresh

    transaction.on_commit(lambda: task_send(trust_refresh, kind, object_id))


def _image_saved(
    sender: Any, instance: CustomImage, created: bool, **kwargs: Any
) -> None:
    if created and not kwargs.get("raw"):
        photo_fingerprint_record(image=instance)


def _rules_changed(sender: Any, **kwargs: Any) -> None:
    rules_cache_clear()


def _booking_saved(sender: Any, instance: Booking, **kwargs: Any) -> None:
    if instance.status in TRUST_BOOKING_STATUSES:
        trust_refresh_after_commit("booking", instance.pk)


def _review_saved(sender: Any, instance: Any, **kwargs: Any) -> None:
    # The booking names both: the author (its client) and the profile's owner.
    trust_refresh_after_commit("booking", instance.booking_id)


def _attestation_saved(
    sender: Any, instance: VerificationAttestation, **kwargs: Any
) -> None:
    trust_refresh_after_commit("user", instance.user_id)


def _decision_saved(sender: Any, instance: Decision, **kwargs: Any) -> None:
    trust_refresh_after_commit("user", instance.affected_user_id)


def connect() -> None:
    uid = "moderation.automated"
    post_save.connect(_image_saved, sender=CustomImage, dispatch_uid=f"{uid}.image")
    post_save.connect(_rules_changed, sender=TextRule, dispatch_uid=f"{uid}.rules")
    post_delete.connect(_rules_changed, sender=TextRule, dispatch_uid=f"{uid}.rules-d")
    post_save.connect(_booking_saved, sender=Booking, dispatch_uid=f"{uid}.booking")
    post_save.connect(
        _review_saved, sender="reviews.Review", dispatch_uid=f"{uid}.review"
    )
    post_save.connect(
        _attestation_saved,
        sender=VerificationAttestation,
        dispatch_uid=f"{uid}.attestation",
    )
    post_save.connect(_decision_saved, sender=Decision, dispatch_uid=f"{uid}.decision")
