"""The provider's weekly hours, dated exceptions and booking policy, replaced
as a whole."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from accounts.models import User
from bookings.models import (
    AvailabilityException,
    AvailabilityRule,
    BookingPolicy,
)
from bookings.services.records import (
    _lock_profile,
)
from bookings.signals import availability_changed_after_commit
from core.exceptions import NotFound
from directory.selectors import profiles_editable_by


@dataclass(frozen=True)
class RuleInput:
    weekday: int
    start_time: dt.time
    end_time: dt.time


@dataclass(frozen=True)
class ExceptionInput:
    date: dt.date
    kind: str
    start_time: dt.time | None = None
    end_time: dt.time | None = None


POLICY_FIELDS = (
    "requires_acceptance",
    "min_notice_minutes",
    "max_days_ahead",
    "buffer_before_minutes",
    "buffer_after_minutes",
    "daily_cap",
    "cancellation_window_hours",
    "allows_reschedule",
    "request_expiry_hours",
    "deposit_percent",
)


@transaction.atomic
def availability_replace(
    *,
    profile_id: int,
    actor: User,
    policy: dict,
    rules: list[RuleInput],
    exceptions: list[ExceptionInput],
) -> BookingPolicy:
    """The provider's hours, dated exceptions and policy, replaced as a whole.
    Not a revision: hours are not reviewed content, and bookings already made
    keep their times (changing hours never cancels anyone)."""
    profile = profiles_editable_by(user=actor).filter(pk=profile_id).first()
    if profile is None:
        raise NotFound("Profile not found.")
    _lock_profile(profile.pk)
    saved, _ = BookingPolicy.objects.get_or_create(profile=profile)
    for name in POLICY_FIELDS:
        if name in policy:
            setattr(saved, name, policy[name])
    saved.save()
    AvailabilityRule.objects.filter(profile=profile).delete()
    AvailabilityRule.objects.bulk_create(
        AvailabilityRule(profile=profile, **vars(rule)) for rule in rules
    )
    AvailabilityException.objects.filter(profile=profile).delete()
    AvailabilityException.objects.bulk_create(
        AvailabilityException(profile=profile, **vars(item)) for item in exceptions
    )
    availability_changed_after_commit(profile.pk)
    return saved
