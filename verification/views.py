"""The provider's verification page, /dashboard/verification/: where they stand,
the code to hold up, and the upload form. Works without JavaScript."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.exceptions import ApplicationError
from verification.forms import VerificationUploadForm
from verification.models import RefusalReason
from verification.selectors import verification_state
from verification.services import challenge_issue, verification_submit


@login_required
def verification_page(request: HttpRequest) -> HttpResponse:
    if not request.user.is_provider:
        raise PermissionDenied(
            _("Only escorts and agency owners verify their identity here.")
        )
    status = 200
    if request.method == "POST":
        form = VerificationUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                verification_submit(user=request.user, **form.cleaned_data)
            except ApplicationError as error:
                status = _form_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Thank you: your documents are waiting for a moderator."),
                )
                return redirect("verification:page")
        else:
            status = 400
    else:
        form = VerificationUploadForm()
    return _render(request, form, status)


def _form_errors(form: VerificationUploadForm, error: ApplicationError) -> int:
    fields = {k: v for k, v in error.fields.items() if k in form.fields}
    for field, errors in fields.items():
        for message in errors:
            form.add_error(field if field != "code" else None, message)
    if not fields:
        form.add_error(None, error.message)
    return error.status_code


def _render(
    request: HttpRequest, form: VerificationUploadForm, status: int
) -> HttpResponse:
    state = verification_state(user=request.user)
    challenge = challenge_issue(user=request.user) if state.may_submit else None
    if challenge is not None:
        form.data = form.data.copy() if form.is_bound else form.data
        form.initial["code"] = challenge.code
        if form.is_bound:
            form.data["code"] = challenge.code  # a refused code is replaced
    context = {
        "state": state,
        "reason_label": RefusalReason(state.reason).label if state.reason else "",
        "challenge": challenge,
        "form": form,
    }
    return render(request, "verification/page.html", context, status=status)
