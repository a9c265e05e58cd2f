"""Subscription events for the audit log (invariant 9): plan changes are the
provider's own or the platform's (renewals), recorded with their cause."""

from __future__ import annotations

from accounts.models import User
from audit.services import audit_record
from subscriptions.models import Subscription


def subscription_changed(
    *, subscription: Subscription, change: str, actor: User | None = None
) -> None:
    audit_record(
        actor=actor,
        action=f"subscription.{change}",
        target=subscription,
        data={
            "plan": subscription.plan.slug,
            "status": subscription.status,
            "pending_plan": subscription.pending_plan.slug
            if subscription.pending_plan_id
            else None,
        },
    )
