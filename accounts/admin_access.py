"""Who reaches the Wagtail admin (``/cms/``), decided before Wagtail sees the
request.

- Signed-in accounts without admin access (clients, escorts, agencies) get a
  403 page that says so. Wagtail's own answer is a redirect to the login page,
  which allauth, seeing a signed-in user, sends straight back to ``/cms/``:
  a loop.
- Staff (anyone with ``wagtailadmin.access_admin``) need a second factor: an
  account without a TOTP or passkey authenticator is sent to allauth's TOTP
  setup, and a session that signed in without the second factor (allauth
  records the methods of each sign-in in the session) is sent to allauth's MFA
  reauthentication, which records it. Either way, back to the admin after.

Anonymous visitors pass: Wagtail sends them to the login page, whose MFA step
applies as usual."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from allauth.account.authentication import get_authentication_records
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse

from accounts.models import User
from accounts.second_factor import SECOND_FACTOR_TYPES

# Factors that are a second factor on their own; recovery codes are a fallback
# for them, not one.
SECOND_FACTORS = list(SECOND_FACTOR_TYPES)


def user_reaches_admin(*, user: User) -> bool:
    return user.is_active and user.has_perm("wagtailadmin.access_admin")


def session_passed_mfa(*, request: HttpRequest) -> bool:
    """Whether this session's sign-in (or a later reauthentication) included a
    second factor, as allauth recorded it."""
    records = get_authentication_records(request, request.user)
    return any(record.get("method") == "mfa" for record in records)


class AdminAccessMiddleware:
    """After allauth's AccountMiddleware (needs the session, user and messages)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        in_admin = request.path.startswith(settings.CMS_URL_PREFIX)
        if not in_admin or not user.is_authenticated:
            return self.get_response(request)
        if request.path == reverse("wagtailadmin_logout"):
            return self.get_response(request)
        if not user_reaches_admin(user=user):
            return render(request, "accounts/admin_no_access.html", status=403)
        if not is_mfa_enabled(user, types=SECOND_FACTORS):
            messages.warning(
                request,
                "The site administration needs two-factor authentication. "
                "Set up an authenticator app below; then you can continue "
                "to the administration.",
            )
            return _redirect("mfa_activate_totp", next_url=request.get_full_path())
        if not session_passed_mfa(request=request):
            messages.info(
                request,
                "This session was signed in without your second factor. Enter a "
                "code from your authenticator app to continue to the "
                "administration.",
            )
            return _redirect("mfa_reauthenticate", next_url=request.get_full_path())
        return self.get_response(request)


def _redirect(name: str, *, next_url: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(f"{reverse(name)}?{urlencode({'next': next_url})}")
