"""Reads about users that other apps decide by: the one home of "who may have a
live profile" (as a queryset filter) and "who is a moderator"
(docs/architecture.md, "One home per rule")."""

from __future__ import annotations

from django.db.models import Q

from accounts.consents import CURRENT_VERSIONS, RENEWAL_REQUIRED
from accounts.models import MODERATORS_GROUP, Consent, User
from accounts.second_factor import SECOND_FACTOR_TYPES


def may_have_live_profile_q(*, prefix: str = "") -> Q:
    """``User.may_have_live_profile`` as a filter: active, age/identity verified,
    not suspended (invariant 2). ``prefix`` reaches the user through a relation,
    e.g. ``"owner__"`` from a profile page."""
    return Q(
        **{
            f"{prefix}is_active": True,
            f"{prefix}is_age_verified": True,
            f"{prefix}is_suspended": False,
        }
    )


def user_is_moderator(*, user: User) -> bool:
    """Superusers, and staff in the Moderators group (created by a migration)."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    # Asked by several admin menu items and views in one request: remembered on
    # the user object (one per request), like Django's own permission cache.
    cached = getattr(user, "_is_moderator_cache", None)
    if cached is None:
        cached = user.groups.filter(name=MODERATORS_GROUP).exists()
        user._is_moderator_cache = cached
    return cached


def user_has_second_factor(*, user: User) -> bool:
    """A TOTP app or a passkey (recovery codes back those up; they are not a
    factor of their own). Staff need one for the admin; providers and agencies
    need one before their first profile is submitted (docs/joining.md)."""
    # Imported here: allauth's MFA models need the app registry.
    from allauth.mfa.utils import is_mfa_enabled

    if not user.is_authenticated:
        return False
    return is_mfa_enabled(user, types=list(SECOND_FACTOR_TYPES))


def consent_renewals_due(*, user: User) -> list[str]:
    """The gating documents (``RENEWAL_REQUIRED``) whose current version this user
    has not accepted: one query. Versions are compared for equality, so a user
    who accepted an older text (or none, e.g. an account made before the ledger)
    is asked again."""
    accepted = set(
        Consent.objects.filter(
            user=user,
            accepted=True,
            document__in=RENEWAL_REQUIRED,
            version__in={CURRENT_VERSIONS[doc] for doc in RENEWAL_REQUIRED},
        ).values_list("document", "version")
    )
    return [
        doc for doc in RENEWAL_REQUIRED if (doc, CURRENT_VERSIONS[doc]) not in accepted
    ]


def consent_marketing_accepted(*, user: User) -> bool:
    """The latest marketing answer (the ledger is append-only: newest row wins)."""
    latest = (
        Consent.objects.filter(user=user, document=Consent.Document.MARKETING)
        .order_by("-created_at", "-pk")
        .values_list("accepted", flat=True)
        .first()
    )
    return bool(latest)
