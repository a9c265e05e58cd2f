"""The close page (``/accounts/privacy/close/``), its cancel button and the
public receipt page (``/privacy/receipt/<token>/``). Plain forms: everything
works without JavaScript (docs/privacy.md, "Erasure")."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.exceptions import NotFound, ValidationFailed
from privacy.erasure.forms import ClosureForm
from privacy.erasure.receipt import receipt_url
from privacy.erasure.selectors import (
    closure_blockers,
    closure_by_receipt_token,
    closure_plan_summary,
    closure_scheduled_for,
)
from privacy.erasure.services import ClosureBlocked, account_closure_request
from privacy.erasure.services import account_closure_cancel as closure_cancel


@login_required
def closure_page(request: HttpRequest) -> HttpResponse:
    closure = closure_scheduled_for(user=request.user)
    if closure is not None:
        return render(
            request,
            "privacy/closure_scheduled.html",
            {"closure": closure, "receipt_url": receipt_url(closure)},
        )
    form = ClosureForm(request.POST if request.method == "POST" else None)
    if form.is_valid() and _request(request, form):
        return redirect("privacy_erasure:close")
    context = {
        "form": form,
        "plan": closure_plan_summary(),
        "blockers": closure_blockers(user=request.user),
    }
    return render(request, "privacy/closure.html", context)


def _request(request: HttpRequest, form: ClosureForm) -> bool:
    try:
        account_closure_request(
            user=request.user, password=form.cleaned_data["password"]
        )
    except ValidationFailed as error:
        form.add_error("password", error.fields.get("password", error.message))
        return False
    except ClosureBlocked as error:
        form.add_error(None, error.message)
        return False
    messages.success(request, _("Your account is scheduled to be erased."))
    return True


@login_required
@require_POST
def closure_cancel_view(request: HttpRequest) -> HttpResponse:
    try:
        closure_cancel(user=request.user)
    except NotFound as error:
        raise Http404(error.message) from None
    messages.success(request, _("Your account stays open. Nothing was erased."))
    return redirect("privacy_erasure:close")


def receipt_page(request: HttpRequest, token: str) -> HttpResponse:
    closure = closure_by_receipt_token(token=token)
    if closure is None:
        raise Http404(_("There is no such receipt."))
    response = render(request, "privacy/closure_receipt.html", {"closure": closure})
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response
