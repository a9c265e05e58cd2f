"""Signals reviews sends for apps above or beside it (docs/architecture.md: a lower
app emits a documented signal when another must react).

``ratings_changed(profile_id=int)``: sent after commit whenever what the public
sees of a profile's reviews may have changed: a review was published, hidden,
rejected after publication, edited back into moderation or deleted while
published, or the provider turned reviews on or off. Search listens to keep the
rating average and count of its index current."""

from __future__ import annotations

from django.db import transaction
from django.dispatch import Signal

ratings_changed = Signal()


def ratings_changed_after_commit(profile_id: int) -> None:
    transaction.on_commit(
        lambda: ratings_changed.send(sender=None, profile_id=profile_id)
    )
