"""Moderation's decisions about reviews (moderation.signals): "remove the
content" hides a review through reviews' own moderation service (audited, the
author told, ratings recomputed); a reversal on appeal publishes it again."""

from __future__ import annotations

from django.dispatch import receiver

from moderation.signals import content_removal_requested, content_restore_requested
from reviews.models import Review
from reviews.services import review_moderate


@receiver(content_removal_requested, sender=Review, dispatch_uid="reviews.remove")
def review_remove(sender, target: Review, decision, **kwargs) -> bool:  # noqa: ANN001
    if target.status in (Review.Status.PUBLISHED, Review.Status.PENDING):
        review_moderate(
            review=target,
            actor=decision.actor,
            approve=False,
            reason=str(decision.ground.title),
        )
    return True


@receiver(content_restore_requested, sender=Review, dispatch_uid="reviews.restore")
def review_restore(sender, target: Review, by, **kwargs) -> bool:  # noqa: ANN001
    if target.status == Review.Status.HIDDEN and by.actor is not None:
        review_moderate(review=target, actor=by.actor, approve=True)
    return True
