"""Which sessions a user has, and ending them all (docs/moderation.md).

allauth.usersessions keeps a ``UserSession`` row per signed-in session, made
when allauth signs someone in. Sign-ins allauth does not see (the Wagtail admin
login, Django's ``login()`` elsewhere) are recorded here from Django's own
``user_logged_in``, so every session of a user has its row; sessions that
existed before tracking were recorded once by ``accounts`` migration 0005.

Ending a user's sessions therefore reads their rows only — never the whole
session table. Headless app tokens are session keys, so they end too."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import get_adapter
from allauth.usersessions.models import UserSession
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from accounts.models import User

UNKNOWN_IP = "0.0.0.0"  # noqa: S104 - a placeholder, never bound


def session_record(*, request: HttpRequest, user: User) -> None:
    """The session ``request`` now holds for ``user`` has its row (once)."""
    session = getattr(request, "session", None)
    if session is None:
        return
    if not session.session_key:
        session.save()
    length = UserSession._meta.get_field("user_agent").max_length
    UserSession.objects.update_or_create(
        session_key=session.session_key,
        defaults={"user": user},
        create_defaults={
            "user": user,
            "ip": _client_ip(request),
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:length],
        },
    )


def _client_ip(request: HttpRequest) -> str:
    try:
        return get_adapter().get_client_ip(request)
    except PermissionDenied:  # no address (a test client's force_login)
        return UNKNOWN_IP


def on_user_logged_in(
    sender: type,
    request: HttpRequest | None,
    user: User,
    **kwargs: Any,  # noqa: ANN401
) -> None:
    if request is not None:
        session_record(request=request, user=user)


def user_sessions_end(*, user: User) -> int:
    """Every session of ``user`` ends (browser cookies and app tokens): the
    next request with any of them is signed out. Returns how many ended."""
    keys = list(
        UserSession.objects.filter(user=user).values_list("session_key", flat=True)
    )
    Session.objects.filter(session_key__in=keys).delete()
    UserSession.objects.filter(user=user).delete()
    return len(keys)
