"""Plans for tests that need one without paying (the seeded plans: free,
premium, elite)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from accounts.models import User
from subscriptions.models import Plan, Subscription


def give_plan(user: User, slug: str) -> Subscription:
    """``user`` is on plan ``slug`` for the month from now, as if paid."""
    now = timezone.now()
    sub, _ = Subscription.objects.update_or_create(
        user=user,
        defaults={
            "plan": Plan.objects.get(slug=slug),
            "status": Subscription.Status.ACTIVE,
            "current_period_start": now,
            "current_period_end": now + dt.timedelta(days=30),
        },
    )
    return sub
