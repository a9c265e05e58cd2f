"""Payment writes (docs/payments.md). One module per kind of write;
everything public is importable from here."""

from payments.services.charges import (
    deposit_release,
    payment_apply_gateway_state,
    payment_confirm,
    payment_confirm_succeeded,
    payment_mark_failed,
    payment_record_manual,
    payment_set_status,
    payment_start,
)
from payments.services.reconciliation import (
    reconciliation_issue_resolve,
    reconciliation_run,
    reconciliation_run_all,
)
from payments.services.records import (
    STATUS_PRECEDENCE,
    PaymentStarted,
    Reference,
    gateway_call,
    ledger_post,
)
from payments.services.refunds import payment_refund
from payments.services.webhooks import (
    HANDLED_EVENTS,
    webhook_event_process,
    webhook_event_receive,
)

__all__ = [
    "HANDLED_EVENTS",
    "STATUS_PRECEDENCE",
    "PaymentStarted",
    "Reference",
    "deposit_release",
    "gateway_call",
    "ledger_post",
    "payment_apply_gateway_state",
    "payment_confirm",
    "payment_confirm_succeeded",
    "payment_mark_failed",
    "payment_record_manual",
    "payment_refund",
    "payment_set_status",
    "payment_start",
    "reconciliation_issue_resolve",
    "reconciliation_run",
    "reconciliation_run_all",
    "webhook_event_process",
    "webhook_event_receive",
]
