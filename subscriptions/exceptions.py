"""Subscription errors, in the one error shape (core.exceptions)."""

from __future__ import annotations

from core.exceptions import Conflict, NotFound, ValidationFailed


class RenewalPending(Conflict):
    code = "renewal_pending"
    default_message = (
        "A renewal payment is pending. Pay it (or wait until it settles) "
        "before changing your plan."
    )


class ChargeInProgress(Conflict):
    code = "charge_in_progress"
    default_message = "A payment for your plan is already in progress."


class PlanUnavailable(ValidationFailed):
    code = "plan_unavailable"
    default_message = "This plan cannot be picked."


class CardNeeded(ValidationFailed):
    code = "card_needed"
    default_message = "Add a card to pay for this plan."


class NothingToChange(ValidationFailed):
    code = "nothing_to_change"
    default_message = "You are already on this plan."


class NotSubscribed(ValidationFailed):
    code = "not_subscribed"
    default_message = "You have no paid plan to cancel."


class InvoiceNotFound(NotFound):
    default_message = "No such invoice."
