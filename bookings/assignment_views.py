"""The "Assigned to" form of a booking's page (docs/agency-tools.md). Plain
POST, no script: the select names a staff member, or nobody."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import User
from bookings.services import booking_assign
from bookings.views import _render_detail, _visible
from core.exceptions import ApplicationError, NotFound, ValidationFailed
from core.ids import MAX_ID


@login_required
@require_POST
def booking_assign_page(request: HttpRequest, booking_id: int) -> HttpResponse:
    booking = _visible(request.user, booking_id)
    try:
        assignee = _assignee_of(request.POST.get("assignee", ""))
        booking_assign(actor=request.user, booking=booking, assignee=assignee)
    except NotFound:
        raise Http404("Booking not found.") from None
    except ApplicationError as error:
        problems = [p for field in error.fields.values() for p in field]
        message = problems[0] if problems else error.message
        booking = _visible(request.user, booking_id)
        return _render_detail(
            request, booking, assign_error=message, status=error.status_code
        )
    if assignee is None:
        messages.success(request, _("Nobody is assigned now."))
    else:
        messages.success(
            request, _("Assigned to %(name)s.") % {"name": assignee.get_full_name()}
        )
    return redirect("bookings_dashboard:detail", booking_id=booking_id)


def _assignee_of(value: str) -> User | None:
    """Empty: nobody. Anything else must be a user id; whether that user may
    be assigned is the service's decision (one answer for every unknown id)."""
    value = value.strip()
    if not value:
        return None
    known = value.isdigit() and 0 < int(value) <= MAX_ID
    user = User.objects.filter(pk=int(value)).first() if known else None
    if user is None:
        raise ValidationFailed(
            fields={"assignee": [_("Choose a member of this agency's staff.")]}
        )
    return user
