"""Celery task that recomputes trust scores when a signal changed
(moderation.automated_signals). Takes ids, reloads, idempotent."""

from __future__ import annotations

from celery import shared_task

from accounts.models import User
from bookings.models import Booking
from moderation.trust import trust_compute

# What changed → whose score it moves.
KINDS = ("user", "booking")


@shared_task(
    acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5
)
def trust_refresh(kind: str, object_id: int) -> int:
    """Recompute the scores ``kind``/``object_id`` touches; how many."""
    if kind == "booking":
        row = (
            Booking.objects.filter(pk=object_id)
            .values_list("client_id", "profile__owner_id")
            .first()
        )
        user_ids = [pk for pk in (row or ()) if pk is not None]
    elif kind == "user":
        user_ids = [object_id]
    else:
        return 0
    users = User.objects.filter(pk__in=user_ids)
    for user in users:
        trust_compute(user=user)
    return len(user_ids)
