"""Payment failures a caller can act on, in the one error hierarchy
(core.exceptions; docs/payments.md lists the codes)."""

from __future__ import annotations

from core.exceptions import ApplicationError, Conflict, NotFound, ValidationFailed


class PaymentDeclined(ApplicationError):
    status_code = 402
    code = "card_declined"
    default_message = "The card was declined. Try another card."
    # The gateway's intent, when the decline came from a create-and-confirm
    # call (an off-session renewal): the failed payment records it.
    gateway_payment_id = ""


class CardExpired(PaymentDeclined):
    code = "expired_card"
    default_message = "The card has expired. Try another card."


class AuthenticationRequired(PaymentDeclined):
    code = "authentication_required"
    default_message = "Your bank asks you to confirm this payment."


class GatewayUnreachable(ApplicationError):
    status_code = 503
    code = "gateway_unreachable"
    default_message = (
        "The payment service cannot be reached. Nothing was charged; try again "
        "in a moment."
    )


class GatewayRefused(ApplicationError):
    """The gateway answered with an error that is not the payer's card."""

    status_code = 502
    code = "gateway_error"
    default_message = "The payment service refused the request. Nothing was charged."


class UnknownGateway(ValidationFailed):
    code = "unknown_gateway"
    default_message = "This payment method is not available."


class AlreadyPaid(Conflict):
    code = "already_paid"
    default_message = "This has been paid already."


class PaymentMismatch(Conflict):
    code = "payment_mismatch"
    default_message = "A payment for this is open with a different amount."


class RefundTooLarge(ApplicationError):
    status_code = 400
    code = "refund_exceeds_paid"
    default_message = "A refund cannot be larger than what was paid and not refunded."


class PaymentClosed(Conflict):
    code = "payment_closed"
    default_message = (
        "This payment can no longer be confirmed. Start the payment again."
    )


class NotRefundable(Conflict):
    code = "not_refundable"
    default_message = "Only a succeeded payment can be refunded."


class DepositAlreadyReleased(Conflict):
    code = "deposit_released"
    default_message = (
        "This deposit has been released to the provider, so it can no longer "
        "be refunded here. Settle it with the provider's payout instead."
    )


class RefundInFlight(Conflict):
    code = "refund_in_flight"
    default_message = (
        "A refund of this deposit is in progress. Release it once the refund "
        "has finished."
    )


class InvalidAmount(ValidationFailed):
    code = "invalid_amount"
    default_message = "The amount must be a positive whole number of minor units."


class WebhookSignatureInvalid(ApplicationError):
    status_code = 400
    code = "webhook_signature_invalid"
    default_message = "The webhook signature does not verify."


class WebhookMalformed(ValidationFailed):
    code = "webhook_malformed"
    default_message = "The webhook event has no id or type."


class PaymentNotFound(NotFound):
    code = "payment_not_found"
