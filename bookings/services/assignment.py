"""Handing an agency booking to one of the agency's staff (docs/agency-tools.md).
Who may be assigned spans tables (booking -> profile -> agency <- membership), so
no database constraint can hold it: the check runs here with the booking and the
assignee's membership row-locked, so a membership removed meanwhile cannot slip
through."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from bookings.events import booking_assigned_event
from bookings.models import Booking
from bookings.selectors import bookings_visible_to
from core.exceptions import NotFound, PermissionDenied, ValidationFailed
from directory.models import AgencyMembership
from notifications.models import Kind
from notifications.services import notify


@transaction.atomic
def booking_assign(*, actor: User, booking: Booking, assignee: User | None) -> Booking:
    """Assign (or, with ``assignee`` None, unassign) ``booking``. A booking
    outside the actor's provider side is 404; an independent's booking 400; an
    actor who is not staff of the profile's agency (the listed escort) 403; an
    assignee who is not staff of that agency 400 on ``assignee``, in words that
    say nothing about any other agency."""
    locked = _locked_visible(actor=actor, booking_id=booking.pk)
    agency_id = locked.profile.agency_id
    if agency_id is None:
        raise ValidationFailed(_("Only agency bookings can be assigned."))
    if not AgencyMembership.objects.filter(agency_id=agency_id, user=actor).exists():
        raise PermissionDenied(_("Only the agency's staff can assign its bookings."))
    if assignee is not None:
        _lock_staff(agency_id=agency_id, user=assignee)
    previous_id = locked.assigned_to_id
    new_id = assignee.pk if assignee is not None else None
    if previous_id == new_id:
        return locked  # nothing changes: no trace, no second notice
    locked.assigned_to = assignee
    locked.save(update_fields=["assigned_to", "updated_at"])
    entry = booking_assigned_event(
        booking=locked, actor=actor, assignee=assignee, previous_id=previous_id
    )
    if assignee is not None and assignee.pk != actor.pk:
        _notify_assignee(booking=locked, assignee=assignee, entry_id=entry.pk)
    return locked


def _locked_visible(*, actor: User, booking_id: int) -> Booking:
    """The booking, row-locked, if the actor is on its provider side (as the
    client of their own booking they have nothing to assign): else 404."""
    visible = bookings_visible_to(user=actor).exclude(client=actor)
    booking = (
        Booking.objects.select_for_update(of=("self",))
        .select_related("profile")
        .filter(pk=booking_id, pk__in=visible.values("pk"))
        .first()
    )
    if booking is None:
        raise NotFound("Booking not found.")
    return booking


def _lock_staff(*, agency_id: int, user: User) -> None:
    membership = (
        AgencyMembership.objects.select_for_update()
        .filter(agency_id=agency_id, user=user)
        .first()
    )
    if membership is None:
        raise ValidationFailed(
            fields={"assignee": [_("Choose a member of this agency's staff.")]}
        )


def _notify_assignee(*, booking: Booking, assignee: User, entry_id: int) -> None:
    # In the assignment's transaction: the notice exists exactly when the
    # assignment does (docs/architecture.md, invariant 11).
    notify(
        recipient=assignee,
        kind=Kind.BOOKING,
        title=_("Booking #%(id)s for %(profile)s was assigned to you")
        % {"id": booking.pk, "profile": booking.profile.title},
        url=f"/dashboard/bookings/{booking.pk}/",
        dedupe_key=f"booking-assigned:{entry_id}",
    )
