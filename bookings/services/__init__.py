"""Writes of bookings. Every status change goes through ``records._move``: it
checks the transition, writes the BookingEvent and enqueues the notification after
commit. Overlaps are refused by the exclusion constraint (bookings/models.py); the
services translate its error into a 409. One module per kind of write; everything
public is importable from here."""

from bookings.services.assignment import booking_assign
from bookings.services.clock import (
    bookings_complete_finished,
    bookings_due_reminders,
    bookings_expire_due,
)
from bookings.services.hours import (
    POLICY_FIELDS,
    ExceptionInput,
    RuleInput,
    availability_replace,
)
from bookings.services.records import (
    S,
    SlotUnavailable,
    TransitionNotAllowed,
    is_provider_of,
)
from bookings.services.requests import BookingInput, booking_request
from bookings.services.transitions import (
    ACTIONS,
    booking_act,
    booking_deposit_paid,
    booking_reschedule,
)

__all__ = [
    "ACTIONS",
    "POLICY_FIELDS",
    "S",
    "BookingInput",
    "ExceptionInput",
    "RuleInput",
    "SlotUnavailable",
    "TransitionNotAllowed",
    "availability_replace",
    "booking_assign",
    "booking_act",
    "booking_deposit_paid",
    "booking_request",
    "booking_reschedule",
    "bookings_complete_finished",
    "bookings_due_reminders",
    "bookings_expire_due",
    "is_provider_of",
]
