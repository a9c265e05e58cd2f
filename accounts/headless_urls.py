"""allauth's headless API (``/_allauth/``), as we serve it.

allauth mounts some routes whatever the settings say. Phone numbers are not a
login method here (``ACCOUNT_LOGIN_METHODS`` and ``ACCOUNT_SIGNUP_FIELDS`` hold
none), yet ``account/phone`` answered 500 (the adapter stores no phone) and
``auth/phone/verify`` answered too; confirming a login code is served though
login by code is off. Routes for features that are off answer 404 in the error
shape instead: these patterns come before allauth's in ``config/urls.py``.

And a password-reset key whose user part is empty (``"-abc"``) made allauth
call its base-36 decoder with None: a 500. Such keys get allauth's own answer
for any invalid key.

Ending a session id that is not the user's own answers 404 (another user's
object is not found, invariant 8), where allauth's input answers 400."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from allauth.account import app_settings as account_settings
from allauth.account.adapter import get_adapter
from allauth.headless.account.views import ResetPasswordView
from allauth.headless.constants import Client
from allauth.headless.usersessions.views import SessionsView
from allauth.mfa import app_settings as mfa_settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import URLPattern, path, re_path

from accounts.mfa_views import GuardedManageTOTPView, GuardedManageWebAuthnView
from core.views import page_not_found

# allauth's HTML route for the same key: /password/reset/key/<uidb36>-<key>/
LINK_KEY = re.compile(r"[0-9A-Za-z]+-.+", re.DOTALL)
CLIENTS = {Client.BROWSER: "browser", Client.APP: "app"}


def phone_enabled() -> bool:
    fields = account_settings.SIGNUP_FIELDS
    return "phone" in account_settings.LOGIN_METHODS or "phone" in fields


def _off_routes() -> list[str]:
    routes = []
    if not phone_enabled():
        routes += ["account/phone", "auth/phone/verify", "auth/phone/verify/resend"]
    if not account_settings.LOGIN_BY_CODE_ENABLED:
        routes += ["auth/code/confirm"]
    return routes


def _reset_key(request: HttpRequest) -> str | None:
    if request.method == "GET":
        return request.headers.get("X-Password-Reset-Key")
    try:
        data = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        return None  # allauth answers a body that is not JSON
    key = data.get("key") if isinstance(data, dict) else None
    return key if isinstance(key, str) else None


def _guard_reset_key(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    def guarded(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        key = _reset_key(request)
        if (
            key
            and not account_settings.PASSWORD_RESET_BY_CODE_ENABLED
            and not LINK_KEY.fullmatch(key)
        ):
            message = get_adapter().error_messages["invalid_password_reset"]
            error = {"message": str(message), "code": "invalid_password_reset"}
            return JsonResponse(
                {"status": 400, "errors": [error | {"param": "key"}]}, status=400
            )
        return view(request, *args, **kwargs)

    return guarded


def urlpatterns() -> list[URLPattern]:
    patterns = [
        re_path(rf"^{name}/v1/{route}$", page_not_found)
        for name in CLIENTS.values()
        for route in _off_routes()
    ]
    patterns += [
        path(
            f"{name}/v1/auth/password/reset",
            _guard_reset_key(ResetPasswordView.as_api_view(client=client)),
        )
        for client, name in CLIENTS.items()
    ]
    patterns += [
        path(f"{name}/v1/auth/sessions", OwnSessionsView.as_api_view(client=client))
        for client, name in CLIENTS.items()
    ]
    return patterns + _guarded_authenticators()


class OwnSessionsView(SessionsView):
    """allauth's sessions endpoint; an id that is not one of the user's
    sessions is not found (404), not a bad choice (400)."""

    def handle_invalid_input(self, input):  # noqa: A002, ANN001, ANN201 - allauth's signature
        errors = input.errors.as_data().get("sessions", [])
        if errors and all(error.code == "invalid_choice" for error in errors):
            error = {"message": "Not found.", "code": "not_found", "param": "sessions"}
            return JsonResponse({"status": 404, "errors": [error]}, status=404)
        return super().handle_invalid_input(input)


def _guarded_authenticators() -> list[URLPattern]:
    views = {"totp": GuardedManageTOTPView, "webauthn": GuardedManageWebAuthnView}
    return [
        path(
            f"{name}/v1/account/authenticators/{kind}",
            view.as_api_view(client=client),
        )
        for kind, view in views.items()
        if kind in mfa_settings.SUPPORTED_TYPES
        for client, name in CLIENTS.items()
    ]
