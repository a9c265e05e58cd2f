"""WebSocket sign-in for API clients. Browsers send their session cookie with
the handshake; an app client (signed in with allauth's X-Session-Token) cannot
set headers from every WebSocket library, and a long-lived token must not sit in
a URL (proxies log URLs). So it asks ``POST /api/v1/me/socket-ticket`` for a
ticket that is signed, lives 60 seconds and opens one socket:
``/ws/messages/?ticket=…``.

A ticket belongs to the session that asked for it (the browser's session, or
the one behind the X-Session-Token): once that session ends (logout, expiry,
password change) the ticket opens nothing. The session key stays on the server
(in the cache, beside the replay guard): the ticket itself is only signed, not
encrypted, and it travels in a URL."""

from __future__ import annotations

import secrets
from urllib.parse import parse_qs

from allauth.core.internal.sessionkit import get_session_user
from allauth.headless.internal.sessionkit import lookup_session
from channels.db import database_sync_to_async
from channels.middleware import BaseMiddleware
from django.core import signing
from django.core.cache import cache

from accounts.models import User
from core.cache import cache_is_down, cache_require

SALT = "accounts.socket-ticket"
TICKET_SECONDS = 60


def _session_cache_key(nonce: str) -> str:
    return f"socket-ticket-session:{nonce}"


def socket_ticket_issue(*, user: User, session_key: str) -> str:
    """A ticket for ``user`` that lives only as long as ``session_key`` does."""
    # Redeeming needs Redis (the once-only claim, the session link, then the
    # channel layer): with Redis down a ticket could open nothing, so say so (503).
    cache_require()
    nonce = secrets.token_urlsafe(12)
    cache.set(_session_cache_key(nonce), session_key, TICKET_SECONDS * 2)
    return signing.dumps({"u": user.pk, "n": nonce}, salt=SALT)


def socket_ticket_redeem(*, ticket: str) -> User | None:
    """The ticket's user, once: a replayed, expired, forged or suspended
    user's ticket gives nobody, nor one whose session has ended."""
    try:
        data = signing.loads(ticket, salt=SALT, max_age=TICKET_SECONDS)
    except signing.BadSignature:  # SignatureExpired is a BadSignature
        return None
    # cache.add is atomic: of two sockets racing with one ticket, one wins.
    # With Redis down it fails open ("added"), which must not let a replay in.
    claimed = cache.add(f"socket-ticket:{data['n']}", 1, TICKET_SECONDS * 2)
    if not claimed or cache_is_down():
        return None
    session_key = cache.get(_session_cache_key(data["n"]))
    cache.delete(_session_cache_key(data["n"]))
    session = lookup_session(session_key) if session_key else None
    # The session's own user (Django checks the password hash it was signed in
    # with): a flushed, expired or reused session key gives nobody.
    session_user = get_session_user(session) if session is not None else None
    if session_user is None or session_user.pk != data["u"]:
        return None
    user = User.objects.filter(pk=data["u"], is_active=True).first()
    if user is None or user.is_suspended:
        return None
    return user


class SocketTicketMiddleware(BaseMiddleware):
    """After the session middleware: a socket without a signed-in session may
    sign in with ``?ticket=``."""

    async def __call__(self, scope: dict, receive: object, send: object) -> object:
        user = scope.get("user")
        if user is None or not user.is_authenticated:
            query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
            ticket = (query.get("ticket") or [""])[0]
            if ticket and len(ticket) < 512:
                found = await database_sync_to_async(socket_ticket_redeem)(
                    ticket=ticket
                )
                if found is not None:
                    scope = dict(scope, user=found)
        return await super().__call__(scope, receive, send)
