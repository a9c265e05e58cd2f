"""Which sessions a user has, and ending them all (docs/moderation.md).

allauth.usersessions keeps a ``UserSession`` row per signed-in session, made
when allauth signs someone in. Sign-ins allauth does not see (the Wagtail admin
login, Django's ``login()`` elsewhere) are recorded here from Django's own
``user_logged_in``, so every session of a user has its row; sessions that
existed before tracking were recorded once by ``accounts`` migration 0005.

Ending a user's sessions therefore reads their rows only — never the whole
session table. Headless app tokens are session keys, so they end too.

The account security pages (docs/account-security.md) list a user's open
sessions (``user_session_list_for``) and end one or all others."""

from __future__ import annotations

import ipaddress
from typing import Any

from allauth.account.adapter import get_adapter
from allauth.usersessions.models import UserSession
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.exceptions import NotFound

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


def user_session_list_for(*, user: User) -> QuerySet[UserSession]:
    """``user``'s sessions that are still open, newest sign-in first.

    One query whatever the count: allauth's ``purge_and_list`` asks the session
    store once per row. A row whose session expired or was ended elsewhere is
    left out here; allauth's own purge (and the retention job) delete it."""
    open_keys = Session.objects.filter(expire_date__gt=timezone.now()).values(
        "session_key"
    )
    return UserSession.objects.filter(user=user, session_key__in=open_keys).order_by(
        "-created_at", "-pk"
    )


def user_session_end(*, user: User, session_id: int) -> None:
    """End one of ``user``'s own sessions: its next request is signed out.
    Another user's session is not found (invariant 8)."""
    session = UserSession.objects.filter(user=user, pk=session_id).first()
    if session is None:
        raise NotFound(_("There is no such session."))
    Session.objects.filter(session_key=session.session_key).delete()
    session.delete()


def user_sessions_end_others(*, user: User, keep_session_key: str | None) -> int:
    """Sign out everywhere but the session ``keep_session_key`` (the device that
    asks). Returns how many ended."""
    others = UserSession.objects.filter(user=user).exclude(
        session_key=keep_session_key or ""
    )
    keys = list(others.values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=keys).delete()
    others.delete()
    return len(keys)


def masked_ip(address: str) -> str:
    """Enough of an address to recognise a network, not a household:
    203.0.113.x, 2001:db8:85a3:x (the first three IPv6 groups)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return _("unknown")
    if address == UNKNOWN_IP:
        return _("unknown")
    if ip.version == 4:
        return ".".join(address.split(".")[:3] + ["x"])
    return ":".join(ip.exploded.split(":")[:3] + ["x"])


def device_label(user_agent: str) -> str:
    """A short readable device: the raw user agent shortened (no parser is
    installed, and writing one is not worth its upkeep)."""
    text = " ".join(user_agent.split())
    # Every browser sends this token first; it tells nothing, the platform does.
    text = text.removeprefix("Mozilla/5.0 ")
    if not text:
        return _("Unknown device")
    return text if len(text) <= 80 else text[:79] + "…"
