"""Builders for the analytics tests: ProfileDay rows written directly (the
flush and the rollup are tested with their own code) and a verified agency."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from accounts.models import Role
from analytics.models import ProfileDay
from directory.models import Agency, AgencyMembership
from tests.factories import UserFactory


def seed_days(profile, *, days: int, end: dt.date | None = None, **values) -> None:  # noqa: ANN001, ANN003
    """One ProfileDay per day for ``days`` days up to ``end`` (today), each
    with ``values``; a callable value gets the day's index (0 = oldest)."""
    end = end or timezone.localdate()
    rows = []
    for n in range(days):
        fields = {k: (v(n) if callable(v) else v) for k, v in values.items()}
        rows.append(
            ProfileDay(
                profile=profile, day=end - dt.timedelta(days=days - 1 - n), **fields
            )
        )
    ProfileDay.objects.bulk_create(rows)


def make_agency(name: str, **owner_fields) -> tuple[Agency, object]:  # noqa: ANN003
    owner = UserFactory(
        role=Role.AGENCY, is_age_verified=True, display_name=name, **owner_fields
    )
    agency = Agency.objects.create(
        name=name,
        slug=name.lower().replace(" ", "-"),
        status="verified",
        verified_at=timezone.now(),
    )
    AgencyMembership.objects.create(agency=agency, user=owner, role="owner")
    return agency, owner
