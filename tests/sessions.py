"""A signed-in database session for a user, as Django's login would leave it,
for tests that need a session key without going through a sign-in form."""

from __future__ import annotations

from allauth.usersessions.models import UserSession
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore

from accounts.models import User


def signed_in_session_key(user: User) -> str:
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    # Sign-in records the session (accounts.sessions); so does this.
    UserSession.objects.create(
        user=user, session_key=session.session_key, ip="127.0.0.1"
    )
    return session.session_key
