"""Webhook events, exactly once (docs/payments.md)."""

from __future__ import annotations

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from payments.gateways.base import GatewayEvent
from payments.models import (
    Payment,
    WebhookEvent,
)
from payments.services.charges import (
    payment_confirm_succeeded,
    payment_mark_failed,
    payment_set_status,
)

logger = logging.getLogger(__name__)

# --- webhooks -------------------------------------------------------------------


def webhook_event_receive(
    *, gateway: str, event: GatewayEvent
) -> tuple[WebhookEvent, bool]:
    """Store a verified event once (unique gateway + event id) and queue its
    processing in the same transaction (core.outbox). A duplicate returns the
    stored row and False, and queues nothing."""
    from payments.tasks import webhook_event_process_task

    try:
        with transaction.atomic():
            stored = WebhookEvent.objects.create(
                gateway=gateway,
                event_id=event.id,
                type=event.type,
                payload=event.payload,
            )
            from core.outbox import outbox_enqueue

            outbox_enqueue(webhook_event_process_task, stored.pk)
    except IntegrityError:
        return WebhookEvent.objects.get(gateway=gateway, event_id=event.id), False
    return stored, True


HANDLED_EVENTS = {
    "payment_intent.succeeded",
    "payment_intent.payment_failed",
    "payment_intent.processing",
    "payment_intent.requires_action",
    "payment_intent.canceled",
}


@transaction.atomic
def webhook_event_process(*, event_id: int) -> str:
    """Apply one stored event and mark it processed in the same transaction:
    a second delivery finds it processed and does nothing."""
    event = WebhookEvent.objects.select_for_update().get(pk=event_id)
    if event.processed_at is not None:
        return event.outcome
    event.outcome = _apply_event(event)
    event.processed_at = timezone.now()
    event.save(update_fields=["outcome", "processed_at"])
    return event.outcome


def _apply_event(event: WebhookEvent) -> str:
    Outcome = WebhookEvent.Outcome  # noqa: N806
    if event.type not in HANDLED_EVENTS:
        return Outcome.IGNORED
    obj = event.payload.get("data", {}).get("object", {})
    pid = str(obj.get("id", ""))
    before = (
        Payment.objects.filter(gateway=event.gateway, gateway_payment_id=pid)
        .values_list("status", flat=True)
        .first()
    )
    if before is None:
        logger.warning("webhook %s names no payment of ours: %s", event.event_id, pid)
        return Outcome.IGNORED
    if event.type == "payment_intent.succeeded":
        after = payment_confirm_succeeded(gateway_payment_id=pid, gateway=event.gateway)
    elif event.type == "payment_intent.payment_failed":
        error = obj.get("last_payment_error") or {}
        after = payment_mark_failed(
            gateway_payment_id=pid,
            gateway=event.gateway,
            failure_code=str(error.get("code") or ""),
            failure_message=str(error.get("message") or ""),
        )
    else:
        status = event.type.removeprefix("payment_intent.")
        after = payment_set_status(
            gateway_payment_id=pid, gateway=event.gateway, status=status
        )
    return Outcome.APPLIED if after.status != before else Outcome.UNCHANGED
