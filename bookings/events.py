"""Audit entries of bookings' non-status changes (docs/architecture.md, house
style: one small typed function per event). Status moves keep their own history
in ``BookingEvent``; who a booking was handed to is not a status, so it goes to
the append-only audit log, where staff activity (analytics.staff_activity) reads
"who handled what"."""

from __future__ import annotations

from accounts.models import User
from audit.models import AuditEntry
from audit.services import audit_record
from bookings.models import Booking

BOOKING_ASSIGNED = "booking.assigned"


def booking_assigned_event(
    *, booking: Booking, actor: User, assignee: User | None, previous_id: int | None
) -> AuditEntry:
    return audit_record(
        actor=actor,
        action=BOOKING_ASSIGNED,
        target=booking,
        data={
            "agency": booking.profile.agency_id,
            "assignee": assignee.pk if assignee is not None else None,
            "previous": previous_id,
        },
    )
