"""Reads of notifications, always scoped to their recipient."""

from __future__ import annotations

from django.core.cache import cache
from django.db.models import Count, QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from notifications.models import Kind, Notification, NotificationPreference

BADGES_SECONDS = 300


def notifications_for(*, user: User, unread: bool | None = None) -> QuerySet:
    queryset = Notification.objects.filter(recipient=user)
    if unread is not None:
        queryset = queryset.filter(read_at__isnull=unread)
    return queryset


# What each kind means to the person reading the settings, by role: a client's
# bookings news is answers and reminders, a provider's is new requests.
CLIENT_KINDS = {
    Kind.MESSAGE: _("New messages"),
    Kind.BOOKING: _("Your bookings: answers, changes and reminders"),
    Kind.REVIEW: _("Your reviews: moderators' decisions"),
    Kind.MODERATION: _("Outcomes of your reports and decisions about your account"),
    Kind.PAYMENT: _("Deposits paid and refunded"),
    Kind.PRIVACY: _("Your data exports: when one is ready to download"),
}
PROVIDER_KINDS = {
    Kind.MESSAGE: _("New messages from clients"),
    Kind.BOOKING: _("New booking requests, changes and reminders"),
    Kind.PROFILE_REVIEW: _("Profile review decisions"),
    Kind.REVIEW: _("Clients' reviews of your profiles, once published"),
    Kind.VERIFICATION: _("Identity verification decisions and requests"),
    Kind.MODERATION: _("Moderation decisions about your profiles and account"),
    Kind.PAYMENT: _("Deposits held, refunded and paid out"),
    Kind.SUBSCRIPTION: _("Your plan: renewals, failed payments and changes"),
    Kind.PRIVACY: _("Your data exports: when one is ready to download"),
}


def kinds_for(*, user: User) -> dict[str, str]:
    """The kinds that can happen to this user, each with its label for them: a
    client never reviews a profile nor receives a booking request. Staff see
    every kind (they may hold a provider's profile in the admin)."""
    if user.is_provider or user.is_staff:
        return dict(PROVIDER_KINDS)
    return dict(CLIENT_KINDS)


def preferences_for(*, user: User) -> dict[str, NotificationPreference]:
    """The user's kinds (``kinds_for``), with unsaved defaults (both channels
    on) where no row exists."""
    saved = {p.kind: p for p in NotificationPreference.objects.filter(user=user)}
    return {
        kind: saved.get(kind) or NotificationPreference(user=user, kind=kind)
        for kind in kinds_for(user=user)
    }


def preference_for(*, user: User, kind: str) -> NotificationPreference:
    found = NotificationPreference.objects.filter(user=user, kind=kind).first()
    return found or NotificationPreference(user=user, kind=kind)


def badges_key(user_id: int) -> str:
    return f"notifications:badges:{user_id}"


def unread_counts(*, user: User) -> dict[str, int]:
    """Unread notices by kind, plus ``total``. Read on every page (the header
    badges), so it is cached per user and dropped whenever it changes."""
    key = badges_key(user.pk)
    counts = cache.get(key)
    if counts is None:
        rows = (
            notifications_for(user=user, unread=True)
            .values("kind")
            .annotate(n=Count("id"))
            .order_by()
        )
        counts = dict.fromkeys(Kind.values, 0) | {r["kind"]: r["n"] for r in rows}
        counts["total"] = sum(counts.values())
        cache.set(key, counts, BADGES_SECONDS)
    return counts
