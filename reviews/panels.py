"""Reviews' panel on the dashboard home (directory.dashboard): the way to the
review pages. A client sees how many completed bookings wait for a review; the
provider side how many reviews wait for a moderator and how many published
ones have no reply yet. One query each."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.dispatch import receiver

from accounts.models import User
from directory.dashboard import CLIENT, DashboardPanel, dashboard_panels
from reviews.models import Review
from reviews.selectors import bookings_awaiting_review, reviews_for_provider

TEMPLATE = "reviews/_dashboard_panel.html"


@receiver(dashboard_panels, dispatch_uid="reviews.panels")
def reviews_panel(
    sender: Any, *, user: User, audience: str, **kwargs: Any
) -> list[DashboardPanel]:
    if audience == CLIENT:
        context = {"waiting": bookings_awaiting_review(user=user).count()}
    else:
        context = reviews_for_provider(user=user).aggregate(
            pending=Count("pk", filter=Q(status=Review.Status.PENDING)),
            unanswered=Count("pk", filter=Q(status=Review.Status.PUBLISHED, reply="")),
        )
    return [DashboardPanel("reviews", 40, TEMPLATE, {"audience": audience} | context)]
