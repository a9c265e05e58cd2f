"""The provider's screening settings in HTML: a page next to the schedule
editor (linked from it), the HTML face of PUT /api/v1/me/profiles/{id}/screening.
Someone else's profile is a 404."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from bookings.models import ScreeningRequirements
from bookings.screening import SCREENING_FIELDS, screening_for, screening_set
from core.exceptions import ApplicationError, NotFound
from directory.models import EscortProfilePage
from directory.selectors import profile_editable_get


class ScreeningForm(forms.ModelForm):
    """The model's fields, labels and limits. Never saved through the form: the
    view hands ``cleaned_data`` to ``screening_set``."""

    class Meta:
        model = ScreeningRequirements
        fields = SCREENING_FIELDS
        labels = {
            "verified_only": _("Only clients whose identity is verified"),
            "min_completed_bookings": _("Completed bookings at least"),
            "no_recent_no_show": _("No missed booking (no-show) in the last 90 days"),
            "for_first_contact": _("Apply to first messages"),
            "for_booking_requests": _("Apply to booking requests"),
        }
        help_texts = {
            "min_completed_bookings": _(
                "Bookings the client completed with anyone on the site. 0 for none."
            ),
            "for_first_contact": _(
                "Conversations that already exist are not affected."
            ),
        }


@login_required
@require_http_methods(["GET", "POST"])
def screening_edit(request: HttpRequest, profile_id: int) -> HttpResponse:
    profile = _profile(request, profile_id)
    current = screening_for(profile=profile)
    if request.method == "GET":
        return _render(request, profile, ScreeningForm(instance=current))
    form = ScreeningForm(request.POST, instance=current)
    if not form.is_valid():
        return _render(request, profile, form, status=400)
    try:
        screening_set(
            actor=request.user, profile_id=profile.pk, values=form.cleaned_data
        )
    except ApplicationError as error:
        form.add_error(None, error.message)
        return _render(request, profile, form, status=error.status_code)
    messages.success(request, gettext("Screening saved."))
    return redirect("bookings_dashboard:screening", profile_id=profile.pk)


def _profile(request: HttpRequest, profile_id: int) -> EscortProfilePage:
    try:
        return profile_editable_get(user=request.user, profile_id=profile_id)
    except NotFound:
        raise Http404("Profile not found.") from None


def _render(
    request: HttpRequest,
    profile: EscortProfilePage,
    form: ScreeningForm,
    *,
    status: int = 200,
) -> HttpResponse:
    context = {"profile": profile, "form": form}
    return render(request, "bookings/screening.html", context, status=status)
