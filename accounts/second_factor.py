"""Who must keep a second factor (docs/joining.md, "Second factor for providers
and agencies"): a provider or agency account on the provider side of a profile
may not remove its last TOTP app or passkey. Every removal path asks here: the
MFA adapter (allauth's TOTP deactivation page), the passkey removal page
(accounts.mfa_views) and the headless API (accounts.headless_urls).

Whether a user is on the provider side of a profile is directory's rule, above
accounts: it answers ``accounts.signals.second_factor_needed``."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import PROVIDER_ROLES, User
from accounts.signals import second_factor_needed

# What counts as a second factor; recovery codes only back these up
# (as accounts.selectors.user_has_second_factor reads it).
SECOND_FACTOR_TYPES = ("totp", "webauthn")

REMOVAL_REFUSED = _(
    "You manage a profile, so your account must keep a second factor. Add another "
    "authenticator app or passkey first, then remove this one."
)


def second_factors_removable(*, user: User, authenticator_ids: Iterable[int]) -> bool:
    """May ``user`` remove these authenticators (their own) now?"""
    # Imported here: allauth's MFA models need the app registry.
    from allauth.mfa.models import Authenticator

    if user.role not in PROVIDER_ROLES:
        return True
    remaining = Authenticator.objects.filter(
        user_id=user.pk, type__in=SECOND_FACTOR_TYPES
    ).exclude(pk__in=list(authenticator_ids))
    if remaining.exists():
        return True
    answers = second_factor_needed.send(sender=User, user=user)
    return not any(needed for _receiver, needed in answers)


def second_factor_removable(*, authenticator) -> bool:  # noqa: ANN001 (allauth's Authenticator)
    if authenticator.type not in SECOND_FACTOR_TYPES:
        return True  # recovery codes go with the last factor, not on their own
    return second_factors_removable(
        user=authenticator.user, authenticator_ids=[authenticator.pk]
    )


def second_factor_setup_url(*, kind: str, next_url: str) -> str:
    """Where to set up a second factor (``kind`` "totp" or "webauthn") and come
    back to ``next_url`` after (accounts.mfa_views)."""
    name = {"totp": "mfa_activate_totp", "webauthn": "mfa_add_webauthn"}[kind]
    return f"{reverse(name)}?{urlencode({'next': next_url})}"
