from __future__ import annotations

import re
from collections.abc import Callable

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseBase,
)
from django.shortcuts import render

from core import request_id
from core.errors import error_response, wants_json
from core.switches import maintenance_message, switch_enabled

HEADER = "X-Request-ID"


class RequestIdMiddleware:
    """Takes ``X-Request-ID`` from the caller (or makes one), binds it for logging and
    returns it on the response so a client report can be matched to server logs."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        value = request_id.accept_or_new(request.headers.get(HEADER))
        request.request_id = value
        request_id.bind(value)  # unbound by the request_finished signal
        response = self.get_response(request)
        response[HEADER] = value
        return response


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's policy on every response, with one exception by path: the
    Wagtail admin renders inline scripts and style attributes of its own (date
    widgets, inline panels), so it gets ``CONTENT_SECURITY_POLICY_CMS``
    instead. Our own pages keep the strict policy."""

    def get_policy_parts(
        self,
        request: HttpRequest,
        response: HttpResponseBase,
        report_only: bool = False,
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and parts.replace is None and _is_cms(request):
            parts.replace = settings.CONTENT_SECURITY_POLICY_CMS["DIRECTIVES"]
        return parts


def _is_cms(request: HttpRequest) -> bool:
    return request.path_info.startswith(settings.CMS_URL_PREFIX)


class PermissionsPolicyMiddleware:
    """Turns off browser features no page of ours uses (camera, geolocation...),
    so injected or framed content cannot ask for them either."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class BodySizeLimitMiddleware:
    """Refuses oversized bodies before anything reads them: 413 in the error shape.

    JSON and form bodies are capped by ``DATA_UPLOAD_MAX_MEMORY_SIZE``; multipart
    uploads by ``MAX_UPLOAD_SIZE`` plus room for the form's other parts."""

    MULTIPART_OVERHEAD = 64 * 1024

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return error_response(400, "bad_request", "Content-Length is not a number.")
        if length > self._limit(request):
            return error_response(
                413, "payload_too_large", "The request body is too large."
            )
        return self.get_response(request)

    def _limit(self, request: HttpRequest) -> int:
        if request.content_type == "multipart/form-data":
            return settings.MAX_UPLOAD_SIZE + self.MULTIPART_OVERHEAD
        return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


class JsonErrorShapeMiddleware:
    """Gives error responses that bypass DRF (Django's 405s and CSRF failures, 404s
    from routing) the one JSON error shape when the client speaks JSON."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code < 400 or not wants_json(request):
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        shaped = error_response(
            response.status_code,
            _CODES.get(response.status_code, "error"),
            _MESSAGES.get(response.status_code, "The request failed."),
        )
        for header in ("Allow", "Retry-After", "WWW-Authenticate"):
            if header in response:
                shaped[header] = response[header]
        return shaped


_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "throttled",
    500: "server_error",
}
_MESSAGES = {
    400: "The request could not be understood.",
    401: "Sign in to do this.",
    403: "You are not allowed to do this (or the CSRF token is missing).",
    404: "Not found.",
    405: "This method is not allowed here.",
    413: "The request body is too large.",
    415: "This content type is not supported here.",
    429: "Too many requests. Try again later.",
    500: "Something went wrong on our side.",
}


class ForwardedForMiddleware:
    """With ``TRUSTED_PROXY_COUNT`` proxies in front, every request carries at
    least that many X-Forwarded-For entries (each proxy appends one). One with
    fewer did not come through them, so its client address cannot be known:
    answer 400 instead of guessing (allauth would raise ImproperlyConfigured,
    a 500, and DRF would take a hop the client wrote). A request without the
    header keeps REMOTE_ADDR, as both libraries do."""

    MESSAGE = "This request did not come through the site's proxies."

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        expected = settings.TRUSTED_PROXY_COUNT
        forwarded = request.headers.get("X-Forwarded-For")
        if expected and forwarded and len(forwarded.split(",")) < expected:
            if wants_json(request):
                return error_response(
                    400,
                    "validation_error",
                    self.MESSAGE,
                    fields={"X-Forwarded-For": [self.MESSAGE]},
                )
            # Plain text, not the 400 page: this runs before the session and
            # auth middleware, which the site's templates need.
            return HttpResponseBadRequest(self.MESSAGE, content_type="text/plain")
        return self.get_response(request)


class MaintenanceModeMiddleware:
    """While the ``maintenance_mode`` switch is on, visitors and signed-in
    non-staff get the branded maintenance page (503, ``Retry-After``) or, from
    the API, the error shape with code ``maintenance``. Staff keep full access,
    and the ways in stay open so staff can still sign in (with their second
    factor); probes, assets and metrics keep answering. Sits after the
    authentication middleware: it needs ``request.user``. The switch is read
    through ``core.switches`` per request, so turning it off takes effect at the
    next request in every process."""

    RETRY_AFTER_SECONDS = 600
    MESSAGE = "The site is down for maintenance. Please try again shortly."

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _is_always_allowed(request.path_info) or not switch_enabled(
            "maintenance_mode"
        ):
            return self.get_response(request)
        if getattr(request.user, "is_staff", False):
            # base.html reminds staff that visitors see the maintenance page.
            request.maintenance_bypassed = True
            return self.get_response(request)
        if wants_json(request):
            response: HttpResponse = error_response(503, "maintenance", self.MESSAGE)
        else:
            response = render(
                request,
                "maintenance.html",
                {"maintenance_message": maintenance_message()},
                status=503,
            )
        response["Retry-After"] = str(self.RETRY_AFTER_SECONDS)
        # A CDN or browser must not keep the maintenance page once it is over.
        response["Cache-Control"] = "no-store"
        return response


# Sign-in for staff (password, second factor, passkey; the HTML pages and the
# headless API), sign-out, probes, assets and the metrics endpoint.
_ALWAYS_ALLOWED = re.compile(
    r"^/(?:"
    r"accounts/(?:login|logout|2fa|reauthenticate)/"
    r"|_allauth/(?:browser|app)/v1/(?:auth/(?:login|2fa|webauthn/login|session)"
    r"|config)"
    r"|healthz$|readyz$|metrics$|static/|media/|favicon\.ico$|robots\.txt$"
    r")"
)


def _is_always_allowed(path: str) -> bool:
    if path.startswith(settings.CMS_URL_PREFIX + "login/"):
        return True
    return bool(_ALWAYS_ALLOWED.match(path))
