"""Reviews' part of the trust score (moderation.trust, docs/trust-score.md):
moderation cannot import reviews (reviews imports moderation), so it asks
through the ``trust_review_signals`` hook, answered here."""

from __future__ import annotations

from typing import Any

from django.db.models import Avg, Count, Q
from wagtail import hooks

from accounts.models import User
from reviews.models import Review

TRUST_REVIEW_SIGNALS_HOOK = "trust_review_signals"  # moderation.trust names it too


@hooks.register(TRUST_REVIEW_SIGNALS_HOOK)
def trust_review_signals(*, user: User) -> dict[str, Any]:
    """Published reviews about ``user``'s profiles or written by them, and the
    average rating of those about them."""
    published = Review.objects.filter(status=Review.Status.PUBLISHED)
    about = published.filter(profile__owner=user).aggregate(
        count=Count("id"), average=Avg("rating")
    )
    written = published.filter(~Q(profile__owner=user), author=user).count()
    return {
        "count": about["count"] + written,
        "rated": about["count"],
        "average": about["average"],
    }
