"""What the account security page shows (docs/account-security.md): second
factors, open sessions and recent sign-ins, read in a fixed number of queries.

Recent sign-ins are the ``UserSession`` rows (one per sign-in, made by allauth
and ``accounts.sessions``): a session ended or expired takes its row with it, so
the list holds the sign-ins whose sessions are still known. No other table
records sign-ins, and none is added for this page."""

from __future__ import annotations

from dataclasses import dataclass

from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.usersessions.models import UserSession

from accounts.models import User
from accounts.sessions import user_session_list_for


@dataclass(frozen=True)
class SecuritySummary:
    totp_enabled: bool
    passkey_count: int
    recovery_codes_left: int | None  # None: no codes were made
    session_count: int
    recent_sign_ins: list[UserSession]
    current_key: str | None


def security_summary_for(
    *, user: User, current_key: str | None, recent: int
) -> SecuritySummary:
    authenticators = list(Authenticator.objects.filter(user=user))
    kinds = [a.type for a in authenticators]
    codes = next(
        (a for a in authenticators if a.type == Authenticator.Type.RECOVERY_CODES),
        None,
    )
    sessions = user_session_list_for(user=user)
    return SecuritySummary(
        totp_enabled=Authenticator.Type.TOTP in kinds,
        passkey_count=kinds.count(Authenticator.Type.WEBAUTHN),
        recovery_codes_left=(
            len(RecoveryCodes(codes).get_unused_codes()) if codes else None
        ),
        session_count=sessions.count(),
        recent_sign_ins=list(sessions[:recent]),
        current_key=current_key,
    )
