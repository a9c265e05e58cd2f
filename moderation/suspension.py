"""What a suspended or banned user may still do (docs/moderation.md): read the
site, sign in and out, read their statements and appeal. Anything else that
writes, and their dashboard pages, answer 403 ``account_suspended`` with a
clear message — in the error shape for JSON clients, as a calm page linking to
their statements for browsers — never a 500 from a refusal deeper down."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from core.errors import error_response, wants_json
from moderation.models import Sanction

CODE = "account_suspended"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
# Open to a suspended user whatever the method: signing in and out, their
# statements and appeals, their notifications.
ALLOWED_PREFIXES = (
    "/accounts/",
    "/_allauth/",
    "/dashboard/moderation/",
    "/api/v1/moderation/",
    "/notifications/",
    "/api/v1/notifications",
    "/static/",
    "/media/",
)


def active_sanction(*, user: User) -> Sanction | None:
    """The user's running suspension or ban (one at most: a constraint)."""
    return (
        Sanction.objects.filter(user=user, lifted_at__isnull=True)
        .only("kind", "ends_at")
        .first()
    )


def suspension_state(*, user: User) -> str:
    """What the user reads before "; see …" or " — see the decision"."""
    sanction = active_sanction(user=user)
    if sanction is not None and sanction.ends_at is not None:
        until = timezone.localtime(sanction.ends_at).strftime("%d %B %Y, %H:%M")
        return f"Your account is suspended until {until}"
    if sanction is not None:
        return "Your account is closed to further use"
    return "Your account is suspended"


def suspension_message(*, user: User) -> str:
    """The one sentence a suspended user reads, with the end of a suspension."""
    statements = reverse("moderation_statements:list")
    return f"{suspension_state(user=user)}; see {statements}"


def suspension_banner(request: HttpRequest) -> dict:
    """Context processor: a signed-in suspended or banned user sees on every
    page why, with a link to the decision (templates/base.html). Costs a query
    only for such a user (the flag is on the user already loaded)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_suspended:
        return {}
    return {
        "suspension_banner": {
            "text": suspension_state(user=user),
            "url": reverse("moderation_statements:list"),
        }
    }


class SuspendedAccountMiddleware:
    """After authentication (and allauth's middleware). App clients sign in
    with ``X-Session-Token``, which DRF reads only in the view: for their writes
    the token is looked up here."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(ALLOWED_PREFIXES):
            return self.get_response(request)
        writes = request.method not in SAFE_METHODS
        dashboard = request.path.startswith("/dashboard/")
        if not (writes or dashboard):
            return self.get_response(request)
        user = _user_of(request, token=writes)
        if user is None or not user.is_suspended:
            return self.get_response(request)
        message = suspension_message(user=user)
        if wants_json(request):
            return error_response(403, CODE, message)
        return render(
            request,
            "moderation/suspended.html",
            {
                "message": message,
                "statements_url": reverse("moderation_statements:list"),
            },
            status=403,
        )


def _user_of(request: HttpRequest, *, token: bool) -> User | None:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user
    if (
        token
        and request.path.startswith("/api/")
        and "X-Session-Token" in request.headers
    ):
        from allauth.headless.contrib.rest_framework.authentication import (
            XSessionTokenAuthentication,
        )

        found = XSessionTokenAuthentication().authenticate(request)
        return found[0] if found else None
    return None
