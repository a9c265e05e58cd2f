"""Renewal of changed terms (docs/consents-and-cookies.md): while a signed-in
user has not accepted the current version of the terms or the privacy policy
(``accounts.consents.RENEWAL_REQUIRED``), every page sends them to
``/accounts/consents/`` and the API answers 403 ``consent_required``.

Cheap on every request: once a session is known to be up to date, it stores the
versions it accepted (``renewal_signature()``) and later requests compare one
string, no query. Sign-in stores it while saving the new session anyway; a
session from before that costs one query and one session write, once. A new
version in ``CURRENT_VERSIONS`` changes the string, so every session is checked
again at its next request."""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from accounts.consents import renewal_signature
from accounts.models import User
from accounts.selectors import consent_renewals_due
from core.errors import error_response, wants_json

SESSION_KEY = "consents_accepted"

# Open while a renewal is pending: the renewal page itself, signing in and out
# (with the second factor, HTML and headless), the texts to be accepted and the
# other legal pages, probes and assets.
_OPEN_PATHS = re.compile(
    r"^/(?:"
    r"accounts/(?:consents|login|logout|2fa|reauthenticate|confirm-email)/"
    r"|_allauth/(?:browser|app)/v1/(?:auth/|config)"
    r"|(?:terms|privacy|cookies|safety|contact)/"
    r"|healthz$|readyz$|metrics$|static/|media/|favicon\.ico$|robots\.txt$"
    r")"
)


def session_consents_current(request: HttpRequest) -> bool:
    """Whether the signed-in user has accepted the current texts; remembered on
    the session once true (never while pending, so accepting elsewhere counts)."""
    signature = renewal_signature()
    if request.session.get(SESSION_KEY) == signature:
        return True
    if consent_renewals_due(user=request.user):
        return False
    request.session[SESSION_KEY] = signature
    return True


def on_user_logged_in(
    sender: object, request: HttpRequest | None, user: User, **kwargs: object
) -> None:
    """``user_logged_in``: remember an up-to-date answer in the new session."""
    if request is None or not hasattr(request, "session"):
        return
    if settings.CONSENT_RENEWAL_ENABLED and not consent_renewals_due(user=user):
        session_consents_mark_current(request)


def session_consents_mark_current(request: HttpRequest) -> None:
    request.session[SESSION_KEY] = renewal_signature()


class ConsentRenewalMiddleware:
    """After authentication and allauth's AccountMiddleware (needs the user)."""

    MESSAGE = "Please accept the updated terms of use and privacy policy first."

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            not settings.CONSENT_RENEWAL_ENABLED
            or not request.user.is_authenticated
            or _is_open(request.path_info)
            or session_consents_current(request)
        ):
            return self.get_response(request)
        if wants_json(request):
            return error_response(403, "consent_required", self.MESSAGE)
        target = reverse("accounts_consents:renew")
        query = urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(f"{target}?{query}")


def _is_open(path: str) -> bool:
    if path.startswith(settings.CMS_URL_PREFIX + "login/"):
        return True
    return bool(_OPEN_PATHS.match(path))
