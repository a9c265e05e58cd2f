"""allauth's MFA pages as we serve them (accounts.mfa_views): passkey removal
keeps the second-factor rule; setting up a factor comes back to ``?next=``.
config/urls.py mounts these before allauth's own. The views keep allauth's
own decorators (sign-in, reauthentication), which subclasses inherit."""

from __future__ import annotations

from allauth.mfa import app_settings as mfa_settings
from django.urls import URLPattern, path

from accounts.mfa_views import (
    GuardedRemoveWebAuthnView,
    ReturningActivateTOTPView,
    ReturningAddWebAuthnView,
    ReturningViewRecoveryCodesView,
)


def urlpatterns() -> list[URLPattern]:
    types = mfa_settings.SUPPORTED_TYPES
    patterns = []
    if "totp" in types:
        patterns.append(
            path(
                "2fa/totp/activate/",
                ReturningActivateTOTPView.as_view(),
                name="mfa_activate_totp",
            )
        )
    if "recovery_codes" in types:
        patterns.append(
            path(
                "2fa/recovery-codes/",
                ReturningViewRecoveryCodesView.as_view(),
                name="mfa_view_recovery_codes",
            )
        )
    if "webauthn" in types:
        patterns += [
            path(
                "2fa/webauthn/add/",
                ReturningAddWebAuthnView.as_view(),
                name="mfa_add_webauthn",
            ),
            path(
                "2fa/webauthn/keys/<int:pk>/remove/",
                GuardedRemoveWebAuthnView.as_view(),
                name="mfa_remove_webauthn",
            ),
        ]
    return patterns
