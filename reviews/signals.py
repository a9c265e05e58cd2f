"""Signals the reviews app sends to the apps that show ratings.

``ratings_changed`` is sent with ``profile_id=`` after commit whenever what the
public sees of a profile's ratings changes: a review published, hidden or
deleted, or the provider turning reviews on or off. The search index listens
(search/signals.py) and refreshes the profile's row through the outbox."""

from __future__ import annotations

from django.dispatch import Signal

# Keyword arguments: ``profile_id``.
ratings_changed = Signal()
