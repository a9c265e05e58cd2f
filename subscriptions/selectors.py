"""Reads of plans, subscriptions and invoices (docs/subscriptions.md)."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import User
from subscriptions.exceptions import InvoiceNotFound
from subscriptions.models import FREE_SLUG, Invoice, Plan, Subscription


def plans_public() -> QuerySet[Plan]:
    """The plans a provider may pick, cheapest first (sort order)."""
    return Plan.objects.active()


def plan_free() -> Plan:
    return Plan.objects.get(slug=FREE_SLUG)


def subscription_of(*, user: User) -> Subscription | None:
    return (
        Subscription.objects.select_related("plan", "pending_plan")
        .filter(user=user)
        .first()
    )


def effective_plan(*, user: User, subscription: Subscription | None = None) -> Plan:
    """The one home of "which plan's limits apply to this provider": the
    subscription's plan while it is active or in its grace period; Free
    otherwise (no subscription, or an ended one)."""
    sub = subscription if subscription is not None else subscription_of(user=user)
    if sub is not None and sub.status != Subscription.Status.CANCELED:
        return sub.plan
    return plan_free()


def renewal_pending(*, subscription: Subscription) -> bool:
    return subscription.invoices.filter(
        status=Invoice.Status.OPEN, kind=Invoice.Kind.RENEWAL
    ).exists()


def invoices_of(*, user: User) -> QuerySet[Invoice]:
    """A provider's own invoices (paid ones and an open renewal), newest first:
    what they may see (invariant 8)."""
    return (
        Invoice.objects.filter(user=user)
        .exclude(status=Invoice.Status.VOID)
        .select_related("plan")
    )


def invoice_for_owner(*, user: User, number: str) -> Invoice:
    invoice = (
        invoices_of(user=user).select_related("payment", "user").filter(number=number)
    ).first()
    if invoice is None:
        raise InvoiceNotFound()
    return invoice


def usage_of(*, user: User) -> dict[str, int | bool]:
    """What the provider's profiles use of the limits (their most-used
    profile): photos and tours that have not ended, the VIP badge."""
    from django.utils import timezone

    from directory.models import EscortProfilePage, ProfilePhoto, ProfileTour

    profiles = list(
        EscortProfilePage.objects.filter(owner=user).values_list("pk", "is_vip")
    )
    ids = [pk for pk, _ in profiles]
    photos = tours = 0
    if ids:
        from django.db.models import Count

        photos = max(
            (
                row["n"]
                for row in ProfilePhoto.objects.filter(page_id__in=ids)
                .values("page_id")
                .annotate(n=Count("pk"))
            ),
            default=0,
        )
        tours = max(
            (
                row["n"]
                for row in ProfileTour.objects.filter(
                    page_id__in=ids, ends_on__gte=timezone.localdate()
                )
                .values("page_id")
                .annotate(n=Count("pk"))
            ),
            default=0,
        )
    return {
        "photos": photos,
        "active_tours": tours,
        "vip_badge": any(vip for _, vip in profiles),
    }
