"""allauth's MFA views, adjusted; mounted before allauth's own routes
(accounts/mfa_urls.py, accounts/headless_urls.py).

- Views that remove an authenticator without asking the MFA adapter (passkey
  removal on the page and in the headless API, TOTP removal in the headless
  API) ask ``accounts.second_factor`` first.
- Setting up a TOTP app or a passkey comes back to ``?next=`` (a safe local
  URL, e.g. the profile editor that asked for it): after the recovery codes
  page when the first factor made new codes, at once otherwise."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from allauth.account.utils import get_next_redirect_url
from allauth.headless.mfa.views import ManageTOTPView, ManageWebAuthnView
from allauth.mfa.recovery_codes.views import ViewRecoveryCodesView
from allauth.mfa.totp.views import ActivateTOTPView
from allauth.mfa.webauthn.views import AddWebAuthnView, RemoveWebAuthnView
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse

from accounts.second_factor import REMOVAL_REFUSED, second_factors_removable

REFUSED_CODE = "cannot_delete_authenticator"


class GuardedRemoveWebAuthnView(RemoveWebAuthnView):
    def form_valid(self, form) -> HttpResponse:  # noqa: ANN001
        authenticator = self.get_object()
        if not second_factors_removable(
            user=self.request.user, authenticator_ids=[authenticator.pk]
        ):
            messages.error(self.request, REMOVAL_REFUSED)
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)


class GuardedManageTOTPView(ManageTOTPView):
    def delete(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        authenticator = self._get_authenticator()
        if authenticator and not second_factors_removable(
            user=request.user, authenticator_ids=[authenticator.pk]
        ):
            return _refused()
        return super().delete(request, *args, **kwargs)


class GuardedManageWebAuthnView(ManageWebAuthnView):
    def delete(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        authenticators = self.input.cleaned_data["authenticators"]
        if not second_factors_removable(
            user=request.user, authenticator_ids=[a.pk for a in authenticators]
        ):
            return _refused()
        return super().delete(request, *args, **kwargs)


def _refused() -> JsonResponse:
    # allauth's headless error shape, as its own inputs answer a refused change.
    error = {"message": str(REMOVAL_REFUSED), "code": REFUSED_CODE}
    return JsonResponse({"status": 400, "errors": [error]}, status=400)


class _ReturnsToNext:
    """For allauth's set-up views: keep ``next`` through the form and go back."""

    request: HttpRequest
    did_generate_recovery_codes: bool

    def get_context_data(self, **kwargs: Any) -> dict:
        context = super().get_context_data(**kwargs)  # type: ignore[misc]
        context["next_url"] = get_next_redirect_url(self.request) or ""
        return context

    def get_success_url(self) -> str:
        next_url = get_next_redirect_url(self.request)
        default = super().get_success_url()  # type: ignore[misc]
        if not next_url:
            return default
        if self.did_generate_recovery_codes:
            return f"{default}?{urlencode({'next': next_url})}"
        return next_url


class ReturningActivateTOTPView(_ReturnsToNext, ActivateTOTPView):
    pass


class ReturningAddWebAuthnView(_ReturnsToNext, AddWebAuthnView):
    pass


class ReturningViewRecoveryCodesView(ViewRecoveryCodesView):
    def get_context_data(self, **kwargs: Any) -> dict:
        context = super().get_context_data(**kwargs)
        context["next_url"] = get_next_redirect_url(self.request) or ""
        return context
