"""Staff reach the Wagtail admin only with a second factor (accounts/admin_access.py).
Admin tests sign staff in as a real MFA sign-in leaves them: a TOTP
authenticator, and a session in which allauth recorded the password and the
second factor."""

from __future__ import annotations

import time

from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.account.internal.flows.login import (
    _AUTHENTICATION_METHODS_USER_SESSION_KEY,
)
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from allauth.mfa.utils import decrypt
from django.test import Client

from accounts.models import User


def totp_for(user: User) -> Authenticator:
    """The user's TOTP authenticator, made on first use."""
    found = Authenticator.objects.filter(
        user=user, type=Authenticator.Type.TOTP
    ).first()
    return found or TOTP.activate(user, generate_totp_secret()).instance


def login_with_mfa(client: Client, user: User) -> User:
    """``force_login`` plus what allauth records when the second factor passed."""
    authenticator = totp_for(user)
    client.force_login(user)
    session = client.session
    now = time.time()
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "password", "at": now, "email": user.email},
        {"method": "mfa", "at": now, "id": authenticator.pk, "type": "totp"},
    ]
    session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = str(user.pk)
    session.save()
    return user


TOTP_PERIOD = 30
TOTP_MARGIN = 5  # seconds a browser needs to type and send the code


def totp_code(user: User) -> str:
    """The code the user's authenticator app shows now. Near the end of a
    30-second window it waits for the next code, as a person would: allauth
    accepts only the current window, so a code typed at 29.9 s and checked at
    30.1 s is refused (a flaky sign-in in the browser journeys)."""
    left = TOTP_PERIOD - time.time() % TOTP_PERIOD
    if left < TOTP_MARGIN:
        time.sleep(left + 0.05)
    secret = decrypt(totp_for(user).data["secret"])
    return format_hotp_value(hotp_value(secret, int(time.time()) // TOTP_PERIOD))


def mark_reauthenticated(client: Client, user: User) -> None:
    """What allauth records when the user just confirmed their password again:
    changing authenticators asks for that (allauth reauthentication)."""
    session = client.session
    records = session.get(AUTHENTICATION_METHODS_SESSION_KEY, [])
    records.append({"method": "password", "at": time.time(), "reauthenticated": True})
    session[AUTHENTICATION_METHODS_SESSION_KEY] = records
    session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = str(user.pk)
    session.save()
