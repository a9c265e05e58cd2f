"""The private client reputation in HTML (docs/reputation.md): the provider's
"How did it go?" form (shown on their booking page, posted here) and the client's
page on what providers see. Writes go through reviews.reputation, as the API's."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import Role
from bookings.models import Booking
from core.exceptions import ApplicationError, NotFound
from reviews.reputation import (
    MIN_ASSESSING_PROVIDERS,
    assessable_booking_get,
    assessment_editable,
    assessment_editable_until,
    assessment_of,
    assessment_record,
    booking_assessable,
    own_reputation_facts,
)
from reviews.reputation_forms import AssessmentForm


@login_required
@require_GET
def own_reputation(request: HttpRequest) -> HttpResponse:
    """ "Your reputation: what providers see": what it is made of and the facts
    the client knows about themselves; never providers' assessments."""
    if request.user.role != Role.CLIENT:
        raise Http404("Only clients have a reputation here.")
    context = {
        "facts": own_reputation_facts(user=request.user),
        "min_providers": MIN_ASSESSING_PROVIDERS,
    }
    return render(request, "reviews/own_reputation.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def assessment_page(request: HttpRequest, booking_id: int) -> HttpResponse:
    """The form on its own page: where a refused POST is shown again, and where
    the booking page's form posts."""
    booking = _booking(request, booking_id)
    if not booking_assessable(booking=booking):
        raise Http404("Nothing to assess yet.")
    assessment = assessment_of(booking=booking)
    if request.method == "GET":
        form = AssessmentForm.for_booking(booking, assessment=assessment)
        return _render(request, booking, form)
    form = AssessmentForm(request.POST, auto_id=f"id_assessment_{booking.pk}_%s")
    if not form.is_valid():
        return _render(request, booking, form, status=400)
    try:
        assessment_record(booking=booking, actor=request.user, **form.answers())
    except ApplicationError as error:
        for name, problems in error.fields.items():
            for problem in problems:
                form.add_error(name if name in form.fields else None, problem)
        if not error.fields:
            form.add_error(None, error.message)
        return _render(request, booking, form, status=error.status_code)
    messages.success(request, "Thank you. Your assessment is saved, privately.")
    return redirect("bookings_dashboard:detail", booking_id=booking.pk)


def _booking(request: HttpRequest, booking_id: int) -> Booking:
    try:
        return assessable_booking_get(user=request.user, booking_id=booking_id)
    except NotFound:
        raise Http404("Booking not found.") from None


def _render(
    request: HttpRequest, booking: Booking, form: AssessmentForm, *, status: int = 200
) -> HttpResponse:
    assessment = assessment_of(booking=booking)
    context = {
        "booking": booking,
        "form": form,
        "assessment": assessment,
        "editable": assessment_editable(assessment=assessment),
        "editable_until": assessment_editable_until(assessment=assessment),
    }
    return render(request, "reviews/assessment.html", context, status=status)
