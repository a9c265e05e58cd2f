"""Signals bookings sends for apps above it (docs/architecture.md: a lower app emits a
documented signal when a higher or sibling app must react).

``availability_changed(profile_id=int)``: sent after commit whenever what the
profile can be booked for may have changed: a booking was made, moved or left
an active status, or the provider replaced hours, exceptions or policy. Search
listens to keep its "available between" filter current."""

from __future__ import annotations

from django.db import transaction
from django.dispatch import Signal

availability_changed = Signal()


def availability_changed_after_commit(profile_id: int) -> None:
    transaction.on_commit(
        lambda: availability_changed.send(sender=None, profile_id=profile_id)
    )
