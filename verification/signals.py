"""Signals the verification app sends for the apps above it (docs/onboarding.md,
"Photo-verified badges")."""

from __future__ import annotations

from django.dispatch import Signal

# Sent by the verification service inside the transaction that writes (or
# removes) a ``PhotoVerification``, with ``user``: the person the photos show.
# Search re-indexes that user's profiles (search/signals.py), so its "verified"
# filter follows at once; the pages read the rule live (directory.photo_badges).
photos_verified = Signal()
