"""Signals accounts sends to the apps above it, which it may not import
(docs/architecture.md, "Dependency direction").

``account_event``
    An accountable change to an account (sign-up, role change). Sent by
    ``accounts.events`` with ``actor`` (User or None for the platform),
    ``action``, ``target``, ``reason`` and ``data``, inside the change's
    transaction. ``audit`` records it (audit/apps.py); ``accounts.events``
    refuses to go on when nobody listens, so an event is never silently lost.

``second_factor_needed``
    Asked with ``user`` before that user's last second factor is removed.
    A receiver answers True when the user must keep one; ``directory`` answers
    for providers and agency staff who are on the provider side of a profile.
"""

from __future__ import annotations

from django.dispatch import Signal

account_event = Signal()
second_factor_needed = Signal()
