from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from notifications.models import Kind
from notifications.selectors import unread_counts


def _header_counts(user: object) -> dict[str, int]:
    counts = unread_counts(user=user)
    return {
        "messages": counts[Kind.MESSAGE],
        "others": counts["total"] - counts[Kind.MESSAGE],
    }


def badges(request: HttpRequest) -> dict:
    """Unread counts for the header (conversations with new messages, and every
    other notice), computed only when a template reads them, from the per-user
    cache."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_badges": SimpleLazyObject(lambda: _header_counts(user))}
