"""Plans, provider subscriptions and their invoices (docs/subscriptions.md).

Money is integer minor units with an ISO currency (invariant 7). A provider
without a Subscription row is on the Free plan."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

FREE_SLUG = "free"
GRACE_DAYS = 7


class PlanQuerySet(models.QuerySet):
    def active(self) -> PlanQuerySet:
        return self.filter(active=True)


class Plan(models.Model):
    name = models.CharField(max_length=60)
    slug = models.SlugField(max_length=40, unique=True)
    description = models.CharField(max_length=200, blank=True)
    price_minor = models.PositiveIntegerField(
        "monthly price (minor units)", default=0, help_text="e.g. 2900 for 29.00"
    )
    currency = models.CharField(max_length=3, default="EUR")
    max_photos = models.PositiveSmallIntegerField(default=5)
    max_active_tours = models.PositiveSmallIntegerField(
        default=1, help_text="Tours that have not ended yet, private ones included."
    )
    vip_badge = models.BooleanField("VIP badge", default=False)
    featured_on_city_pages = models.BooleanField(default=False)
    active = models.BooleanField(
        default=True, help_text="Inactive plans cannot be picked."
    )
    sort_order = models.PositiveSmallIntegerField(default=0)

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["sort_order", "price_minor", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(currency__regex=r"^[A-Z]{3}$"),
                name="subscriptions_plan_currency_iso",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_free(self) -> bool:
        return self.price_minor == 0


class Subscription(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        PAST_DUE = "past_due", "Renewal failed (grace period)"
        CANCELED = "canceled", "Ended"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="subscription"
    )
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.ACTIVE
    )
    current_period_start = models.DateTimeField(null=True, blank=True)
    current_period_end = models.DateTimeField(null=True, blank=True)
    cancel_at_period_end = models.BooleanField(default=False)
    # A downgrade waits for the period's end (docs/subscriptions.md).
    pending_plan = models.ForeignKey(
        Plan, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    grace_until = models.DateTimeField(null=True, blank=True)
    canceled_at = models.DateTimeField(null=True, blank=True)
    gateway = models.CharField(max_length=40, default="stripe")
    gateway_customer_id = models.CharField(max_length=255, blank=True)
    # Renewals are charged by us (subscriptions.tasks), not by the gateway's
    # own billing: empty unless an acquirer's subscription object is used.
    gateway_subscription_id = models.CharField(max_length=255, blank=True)
    # The saved card renewals are charged to (a gateway id, never a number).
    gateway_payment_method = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(current_period_end__isnull=True)
                | Q(current_period_end__gt=models.F("current_period_start")),
                name="subscriptions_period_ordered",
            ),
            models.CheckConstraint(
                condition=~Q(status="past_due") | Q(grace_until__isnull=False),
                name="subscriptions_past_due_has_grace",
            ),
        ]
        indexes = [models.Index(fields=["status", "current_period_end"])]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.plan} ({self.status})"


class Invoice(models.Model):
    class Kind(models.TextChoices):
        START = "start", "New subscription"
        UPGRADE = "upgrade", "Upgrade (prorated)"
        RENEWAL = "renewal", "Renewal"

    class Status(models.TextChoices):
        OPEN = "open", "Awaiting payment"
        PAID = "paid", "Paid"
        VOID = "void", "Void"

    number = models.CharField(max_length=32, unique=True)
    subscription = models.ForeignKey(
        Subscription, on_delete=models.PROTECT, related_name="invoices"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="invoices"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="+")
    period_start = models.DateTimeField()
    period_end = models.DateTimeField()
    # [{"description": str, "amount_minor": int}, ...]; they sum to amount_minor.
    lines = models.JSONField(default=list)
    amount_minor = models.PositiveIntegerField()
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=8, choices=Status.choices, default="open")
    # The payment that settled it (payments.Payment; its reference is this
    # invoice). Null until a payment starts.
    payment = models.ForeignKey(
        "payments.Payment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    paid_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_minor__gt=0), name="subscriptions_invoice_positive"
            ),
            models.CheckConstraint(
                condition=Q(period_end__gt=models.F("period_start")),
                name="subscriptions_invoice_period_ordered",
            ),
            # One open invoice per subscription: two plan changes (or a
            # change and a renewal) cannot bill at once; the second is a 409.
            models.UniqueConstraint(
                fields=["subscription"],
                condition=Q(status="open"),
                name="subscriptions_one_open_invoice",
            ),
            models.UniqueConstraint(
                fields=["subscription", "kind", "period_start"],
                condition=Q(kind="renewal"),
                name="subscriptions_one_renewal_per_period",
            ),
        ]

    def __str__(self) -> str:
        return self.number
