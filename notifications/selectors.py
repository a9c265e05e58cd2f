"""Reads of notifications, always scoped to their recipient."""

from __future__ import annotations

from django.core.cache import cache
from django.db.models import Count, QuerySet

from accounts.models import User
from notifications.models import Kind, Notification, NotificationPreference

BADGES_SECONDS = 300


def notifications_for(*, user: User, unread: bool | None = None) -> QuerySet:
    queryset = Notification.objects.filter(recipient=user)
    if unread is not None:
        queryset = queryset.filter(read_at__isnull=unread)
    return queryset


def preferences_for(*, user: User) -> dict[str, NotificationPreference]:
    """Every kind, with unsaved defaults (both channels on) where no row exists."""
    saved = {p.kind: p for p in NotificationPreference.objects.filter(user=user)}
    return {
        kind: saved.get(kind) or NotificationPreference(user=user, kind=kind)
        for kind in Kind.values
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
