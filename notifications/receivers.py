"""Receivers of lower apps' signals (core.signals.pending_sweep)."""

from __future__ import annotations

from typing import Any


def pending_emails_resend(sender: Any, **kwargs: Any) -> int:
    from notifications.services import email_deliveries_resend_due

    return email_deliveries_resend_due()
