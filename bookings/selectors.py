"""Reads of bookings, each scoped to the acting user (DESIGN invariant 8)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from accounts.models import Role, User
from bookings.models import Booking, BookingEvent, BookingPolicy
from directory.models import AgencyMembership, EscortProfilePage


def policy_for(*, profile: EscortProfilePage) -> BookingPolicy:
    """The provider's policy, or the defaults (unsaved) when they never set one."""
    try:
        return BookingPolicy.objects.get(profile=profile)
    except BookingPolicy.DoesNotExist:
        return BookingPolicy(profile=profile)
