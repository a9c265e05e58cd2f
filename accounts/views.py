"""HTML pages of accounts that allauth does not provide: renewal of changed
terms (docs/consents-and-cookies.md)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from accounts.consent_renewal import session_consents_mark_current
from accounts.consents import CURRENT_VERSIONS, DOCUMENT_URLS
from accounts.models import Consent
from accounts.selectors import consent_marketing_accepted, consent_renewals_due
from accounts.services import consent_marketing_set, consent_renew


class ConsentRenewalForm(forms.Form):
    accept = forms.BooleanField(
        label=_("I have read and accept the updated documents"),
        error_messages={"required": _("Tick the box to accept the updated documents.")},
    )


class MarketingChoiceForm(forms.Form):
    marketing = forms.BooleanField(
        label=_("Send me occasional news and offers by email"), required=False
    )


@login_required
@require_http_methods(["GET", "POST"])
def consents_renew(request: HttpRequest) -> HttpResponse:
    """What changed, with Accept or Sign out; the marketing choice beside it."""
    next_url = _safe_next(request)
    due = consent_renewals_due(user=request.user)
    form = ConsentRenewalForm()
    if request.method == "POST" and "marketing_choice" in request.POST:
        choice = MarketingChoiceForm(request.POST)
        choice.is_valid()  # an unticked box is a valid "no"
        consent_marketing_set(
            user=request.user, accepted=choice.cleaned_data["marketing"]
        )
        messages.success(request, _("Your email choice is saved."))
        return HttpResponseRedirect(request.get_full_path())
    if request.method == "POST" and due:
        form = ConsentRenewalForm(request.POST)
        if form.is_valid():
            consent_renew(user=request.user, documents=due)
            session_consents_mark_current(request)
            messages.success(request, _("Thank you: the updated documents apply."))
            return HttpResponseRedirect(next_url)
    marketing = consent_marketing_accepted(user=request.user)
    context = {
        "form": form,
        "documents": _documents(due),
        "marketing_form": MarketingChoiceForm(initial={"marketing": marketing}),
        "marketing": marketing,
        "next_url": next_url,
    }
    return render(request, "accounts/consents.html", context, status=_status(form))


def _documents(due: list[str]) -> list[dict[str, str]]:
    return [
        {
            "label": Consent.Document(doc).label,
            "url": DOCUMENT_URLS[doc],
            "version": CURRENT_VERSIONS[doc],
        }
        for doc in due
    ]


def _status(form: forms.Form) -> int:
    return 400 if form.is_bound and form.errors else 200


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"
