"""Payments, the calls made to gateways, the webhook events received, and the
double-entry ledger (docs/payments.md). Money is integer minor units with an
ISO 4217 currency (docs/architecture.md, invariant 7)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q

currency_code = RegexValidator(r"^[A-Z]{3}$", "An ISO 4217 code, e.g. EUR.")


class GatewayOperation(models.Model):
    """One outgoing call to a gateway. The row (and its idempotency key) is
    written before the call, and the key goes with the call, so a retry after a
    crash or a timeout asks the gateway for the same object, never a second."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    gateway = models.CharField(max_length=40)
    kind = models.CharField(max_length=40)  # create_payment, confirm, refund, ...
    idempotency_key = models.CharField(max_length=120, unique=True)
    payment = models.ForeignKey(
        "payments.Payment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="operations",
    )
    request_summary = models.JSONField(default=dict, blank=True)
    gateway_object_id = models.CharField(max_length=255, blank=True)
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.PENDING
    )
    error = models.CharField(max_length=500, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.gateway}:{self.kind} {self.idempotency_key} ({self.status})"


class Payment(models.Model):
    class Purpose(models.TextChoices):
        DEPOSIT = "deposit", "Deposit"
        SUBSCRIPTION = "subscription", "Subscription"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        REQUIRES_PAYMENT_METHOD = "requires_payment_method", "Awaiting a card"
        REQUIRES_ACTION = "requires_action", "Awaiting confirmation by the bank"
        PROCESSING = "processing", "Processing"
        SUCCEEDED = "succeeded", "Paid"
        FAILED = "failed", "Failed"
        CANCELED = "canceled", "Cancelled"
        REFUNDED = "refunded", "Refunded"
        PARTIALLY_REFUNDED = "partially_refunded", "Partly refunded"

    # Paid (the money arrived). A webhook never moves a payment out of these
    # to an earlier state: see payments.services.STATUS_PRECEDENCE.
    PAID_STATUSES = (Status.SUCCEEDED, Status.PARTIALLY_REFUNDED, Status.REFUNDED)
    # A reference may have one payment in any other status at a time.
    CLOSED_UNPAID = (Status.FAILED, Status.CANCELED)

    payer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="payments"
    )
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    # What is paid for, named without importing its app (payments sits below
    # bookings and subscriptions): e.g. ("bookings.booking", "42").
    reference_type = models.CharField(max_length=60)
    reference_id = models.CharField(max_length=64)
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3, validators=[currency_code])
    gateway = models.CharField(max_length=40)
    gateway_payment_id = models.CharField(max_length=255, null=True, blank=True)
    status = models.CharField(
        max_length=24, choices=Status.choices, default=Status.REQUIRES_PAYMENT_METHOD
    )
    amount_refunded_minor = models.BigIntegerField(default=0)
    failure_code = models.CharField(max_length=60, blank=True)
    failure_message = models.CharField(max_length=500, blank=True)
    succeeded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_minor__gt=0), name="payments_payment_amount_positive"
            ),
            models.CheckConstraint(
                condition=Q(amount_refunded_minor__gte=0)
                & Q(amount_refunded_minor__lte=models.F("amount_minor")),
                name="payments_payment_refund_within_amount",
            ),
            models.CheckConstraint(
                condition=Q(currency__regex=r"^[A-Z]{3}$"),
                name="payments_payment_currency_iso",
            ),
            models.UniqueConstraint(
                fields=["gateway", "gateway_payment_id"],
                name="payments_payment_gateway_id_unique",
            ),
            # Paying twice for one thing is refused by the database: one open
            # or paid payment per reference (a failed or cancelled one may be
            # followed by a new one).
            models.UniqueConstraint(
                fields=["purpose", "reference_type", "reference_id"],
                condition=~Q(status__in=["failed", "canceled"]),
                name="payments_payment_one_live_per_reference",
            ),
        ]
        indexes = [models.Index(fields=["payer", "-created_at"])]
        permissions = [
            (
                "manage_payments",
                "Can refund, record offline payments and resolve reconciliation",
            )
        ]

    def __str__(self) -> str:
        return f"{self.purpose} {self.amount_minor} {self.currency} ({self.status})"

    @property
    def refundable_minor(self) -> int:
        return self.amount_minor - self.amount_refunded_minor


class Refund(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SUCCEEDED = "succeeded", "Refunded"
        FAILED = "failed", "Failed"

    payment = models.ForeignKey(
        Payment, on_delete=models.PROTECT, related_name="refunds"
    )
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3, validators=[currency_code])
    reason = models.CharField(max_length=500)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    gateway_refund_id = models.CharField(max_length=255, blank=True)
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_minor__gt=0), name="payments_refund_amount_positive"
            )
        ]

    def __str__(self) -> str:
        return f"refund {self.amount_minor} {self.currency} ({self.status})"


class WebhookEvent(models.Model):
    """A verified gateway event. Its id is unique, and the event is marked
    processed in the transaction that applies its effect: exactly once."""

    class Outcome(models.TextChoices):
        PENDING = "", "Pending"
        APPLIED = "applied", "Applied"
        UNCHANGED = "unchanged", "No change (already applied or superseded)"
        IGNORED = "ignored", "Ignored (type not handled)"

    gateway = models.CharField(max_length=40)
    event_id = models.CharField(max_length=255)
    type = models.CharField(max_length=120)
    payload = models.JSONField()
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(
        max_length=16, choices=Outcome.choices, default=Outcome.PENDING, blank=True
    )

    class Meta:
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["gateway", "event_id"], name="payments_webhookevent_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.gateway} {self.type} {self.event_id}"


class LedgerTransaction(models.Model):
    """A balanced set of ledger entries. The database refuses an unbalanced
    transaction at commit and any UPDATE or DELETE (migration 0001)."""

    class Kind(models.TextChoices):
        DEPOSIT_PAID = "deposit_paid", "Deposit paid"
        DEPOSIT_REFUNDED = "deposit_refunded", "Deposit refunded"
        DEPOSIT_RELEASED = "deposit_released", "Deposit released to the provider"
        SUBSCRIPTION_CHARGE = "subscription_charge", "Subscription charge"
        OTHER_CHARGE = "other_charge", "Other charge"
        REFUND = "refund", "Refund"
        PAYOUT_PAID = "payout_paid", "Payout paid"

    kind = models.CharField(max_length=30, choices=Kind.choices)
    # What caused it, e.g. ("payments.payment", "17") or ("payments.refund", "3").
    cause_type = models.CharField(max_length=60)
    cause_id = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            # One ledger transaction of a kind per cause: a replayed
            # confirmation cannot post twice.
            models.UniqueConstraint(
                fields=["kind", "cause_type", "cause_id"],
                name="payments_ledgertransaction_once_per_cause",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.cause_type}:{self.cause_id}"


class LedgerEntry(models.Model):
    transaction = models.ForeignKey(
        LedgerTransaction, on_delete=models.PROTECT, related_name="entries"
    )
    account = models.CharField(max_length=80, db_index=True)
    # Signed: positive debits, negative credits; each transaction sums to zero
    # per currency.
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3, validators=[currency_code])

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(amount_minor=0), name="payments_ledgerentry_nonzero"
            ),
            models.CheckConstraint(
                condition=Q(currency__regex=r"^[A-Z]{3}$"),
                name="payments_ledgerentry_currency_iso",
            ),
        ]
        indexes = [models.Index(fields=["account", "currency"])]

    def __str__(self) -> str:
        return f"{self.account} {self.amount_minor:+d} {self.currency}"


class ReconciliationRun(models.Model):
    """One comparison of a gateway's recent objects with our records
    (payments.services.reconciliation)."""

    gateway = models.CharField(max_length=40)
    since = models.DateTimeField()
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    payments_seen = models.PositiveIntegerField(default=0)
    refunds_seen = models.PositiveIntegerField(default=0)
    issues_found = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"reconciliation {self.gateway} {self.started_at:%Y-%m-%d %H:%M}"


class ReconciliationIssue(models.Model):
    """A difference between the gateway and us. One open issue per (gateway,
    object, kind): a later run finding it again does not repeat it."""

    class Kind(models.TextChoices):
        MISSING_LOCALLY = "missing_locally", "At the gateway, not in our records"
        STATUS_DIFFERS = "status_differs", "Status differs"
        AMOUNT_DIFFERS = "amount_differs", "Amount differs"
        REFUNDED_DIFFERS = "refunded_differs", "Refunded amount differs"

    class ObjectType(models.TextChoices):
        PAYMENT = "payment", "Payment"
        REFUND = "refund", "Refund"

    run = models.ForeignKey(
        ReconciliationRun, on_delete=models.PROTECT, related_name="issues"
    )
    gateway = models.CharField(max_length=40)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    object_type = models.CharField(max_length=10, choices=ObjectType.choices)
    gateway_object_id = models.CharField(max_length=255)
    payment = models.ForeignKey(
        Payment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reconciliation_issues",
    )
    ours = models.CharField(max_length=255, blank=True)
    theirs = models.CharField(max_length=255, blank=True)
    found_at = models.DateTimeField(auto_now_add=True, db_index=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    resolution = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-found_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["gateway", "gateway_object_id", "kind"],
                condition=Q(resolved_at__isnull=True),
                name="payments_reconciliationissue_one_open",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.gateway_object_id}"
