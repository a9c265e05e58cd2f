"""Start, upgrade, downgrade, cancel and renewals against localstripe, with
time moved by explicit ``now=`` arguments."""

from __future__ import annotations

import datetime as dt

import pytest

from notifications.models import Notification
from payments.exceptions import PaymentDeclined
from payments.ledger import GATEWAY_CLEARING, PLATFORM_REVENUE
from payments.models import Payment
from payments.selectors import account_balance
from subscriptions.exceptions import (
    CardNeeded,
    NothingToChange,
    RenewalPending,
)
from subscriptions.models import Invoice, Subscription
from subscriptions.selectors import effective_plan
from subscriptions.services import (
    add_month,
    prorated_minor,
    renew_due,
    subscription_cancel,
    subscription_change,
    subscription_pay_renewal,
    subscription_record_manual,
)

from .conftest import T0

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)
VISA = "pm_card_visa"
DECLINE = "pm_card_chargeCustomerFail"


def start_premium(provider, plans, stripe_local):  # noqa: ANN001, ANN201
    return subscription_change(
        user=provider, plan=plans["premium"], payment_method=VISA, now=T0
    )


def test_start_charges_the_full_price_and_opens_a_month(stripe_local, provider, plans):
    sub = start_premium(provider, plans, stripe_local)

    assert sub.plan.slug == "premium" and sub.status == Subscription.Status.ACTIVE
    assert (sub.current_period_start, sub.current_period_end) == (
        T0,
        dt.datetime(2026, 4, 1, 12, tzinfo=dt.UTC),
    )
    assert sub.gateway_customer_id.startswith("cus_")
    invoice = Invoice.objects.get()
    assert (invoice.kind, invoice.status, invoice.amount_minor, invoice.currency) == (
        "start",
        "paid",
        2900,
        "EUR",
    )
    assert invoice.number == f"INV-2026-{invoice.pk:06d}"
    assert invoice.payment.status == Payment.Status.SUCCEEDED
    assert invoice.payment.reference_id == str(invoice.pk)
    assert account_balance(account=PLATFORM_REVENUE, currency="EUR") == -2900
    assert account_balance(account=GATEWAY_CLEARING, currency="EUR") == 2900
    assert effective_plan(user=provider).slug == "premium"


def test_a_paid_plan_needs_a_card_and_a_declined_card_changes_nothing(
    stripe_local, provider, plans
):
    with pytest.raises(CardNeeded):
        subscription_change(user=provider, plan=plans["premium"], now=T0)
    with pytest.raises(PaymentDeclined):
        subscription_change(
            user=provider, plan=plans["premium"], payment_method=DECLINE, now=T0
        )

    assert effective_plan(user=provider).slug == "free"
    assert list(Invoice.objects.values_list("status", flat=True)) == ["void"]
    assert account_balance(account=PLATFORM_REVENUE, currency="EUR") == 0
    # A new try with a good card goes through (the void invoice blocks nothing).
    sub = start_premium(provider, plans, stripe_local)
    assert sub.plan.slug == "premium"


def test_upgrade_charges_the_prorated_difference_now(stripe_local, provider, plans):
    start_premium(provider, plans, stripe_local)
    # 10 of 31 days used: 21/31 of (7900 - 2900) = 3387.09... -> 3387.
    now = T0 + 10 * DAY
    sub = subscription_change(user=provider, plan=plans["elite"], now=now)

    assert sub.plan.slug == "elite"
    assert sub.current_period_end == dt.datetime(2026, 4, 1, 12, tzinfo=dt.UTC)
    upgrade = Invoice.objects.get(kind="upgrade")
    assert upgrade.amount_minor == 3387 == (5000 * 21 * 2 + 31) // 62
    assert upgrade.status == "paid" and upgrade.period_start == now
    assert upgrade.lines[0]["amount_minor"] == 3387
    assert account_balance(account=PLATFORM_REVENUE, currency="EUR") == -(2900 + 3387)


def test_proration_rounds_half_up_by_the_second():
    start, end = T0, add_month(T0)
    assert prorated_minor(difference_minor=100, now=start, start=start, end=end) == 100
    assert prorated_minor(difference_minor=100, now=end, start=start, end=end) == 0
    half = start + (end - start) / 2
    assert prorated_minor(difference_minor=101, now=half, start=start, end=end) == 51
    assert add_month(dt.datetime(2026, 1, 31, tzinfo=dt.UTC)).day == 28


def test_downgrade_waits_for_the_period_end_then_bills_the_cheaper_plan(
    stripe_local, provider, plans
):
    subscription_change(user=provider, plan=plans["elite"], payment_method=VISA, now=T0)
    sub = subscription_change(user=provider, plan=plans["premium"], now=T0 + DAY)
    assert (sub.plan.slug, sub.pending_plan.slug) == ("elite", "premium")
    assert Invoice.objects.count() == 1  # no credit, no charge

    assert renew_due(now=T0 + 20 * DAY)["renewed"] == 0  # not due yet
    counts = renew_due(now=add_month(T0) + dt.timedelta(minutes=5))

    assert counts["renewed"] == 1
    sub.refresh_from_db()
    assert (sub.plan.slug, sub.pending_plan, sub.status) == ("premium", None, "active")
    assert sub.current_period_start == add_month(T0)
    assert sub.current_period_end == add_month(add_month(T0))
    renewal = Invoice.objects.get(kind="renewal")
    assert (renewal.amount_minor, renewal.status) == (2900, "paid")
    assert account_balance(account=PLATFORM_REVENUE, currency="EUR") == -(7900 + 2900)
    assert (
        Notification.objects.filter(recipient=provider, kind="subscription").count()
        == 1
    )
    # A second run in the same period bills nothing.
    assert renew_due(now=add_month(T0) + dt.timedelta(minutes=6))["renewed"] == 0


def test_downgrade_to_free_and_cancel_end_at_the_period_end(
    stripe_local, provider, plans
):
    start_premium(provider, plans, stripe_local)
    sub = subscription_cancel(user=provider)
    assert sub.cancel_at_period_end and sub.plan.slug == "premium"
    # Picking the current plan again undoes the cancellation.
    sub = subscription_change(user=provider, plan=plans["premium"], now=T0 + DAY)
    assert not sub.cancel_at_period_end
    with pytest.raises(NothingToChange):
        subscription_change(user=provider, plan=plans["premium"], now=T0 + DAY)
    subscription_change(user=provider, plan=plans["free"], now=T0 + DAY)

    renew_due(now=add_month(T0))

    sub.refresh_from_db()
    assert (sub.plan.slug, sub.status, sub.current_period_end) == (
        "free",
        "canceled",
        None,
    )
    assert Invoice.objects.filter(kind="renewal").count() == 0
    assert effective_plan(user=provider).slug == "free"


def test_failed_renewal_gets_grace_then_free(stripe_local, provider, plans):
    start_premium(provider, plans, stripe_local)
    Subscription.objects.update(gateway_payment_method=DECLINE)  # the card died
    due = add_month(T0)

    renew_due(now=due)

    sub = Subscription.objects.get()
    assert sub.status == "past_due" and sub.plan.slug == "premium"
    assert sub.grace_until == due + 7 * DAY
    assert effective_plan(user=provider).slug == "premium"  # kept during grace
    renewal = Invoice.objects.get(kind="renewal")
    assert renewal.status == "open" and renewal.payment.status == "failed"
    titles = list(
        Notification.objects.filter(recipient=provider).values_list("title", flat=True)
    )
    assert len(titles) == 1 and "renewal payment failed" in titles[0]
    # A plan change while the renewal is pending: 409.
    with pytest.raises(RenewalPending) as caught:
        subscription_change(user=provider, plan=plans["elite"], now=due + DAY)
    assert caught.value.status_code == 409
    with pytest.raises(RenewalPending):
        subscription_cancel(user=provider)

    assert renew_due(now=due + 6 * DAY)["downgraded"] == 0
    assert renew_due(now=due + 7 * DAY)["downgraded"] == 1

    sub.refresh_from_db()
    assert (sub.plan.slug, sub.status) == ("free", "canceled")
    renewal.refresh_from_db()
    assert renewal.status == "void"
    assert Notification.objects.filter(recipient=provider).count() == 2
    assert account_balance(account=PLATFORM_REVENUE, currency="EUR") == -2900


def test_paying_the_renewal_during_grace_restores_the_plan(
    stripe_local, provider, plans
):
    start_premium(provider, plans, stripe_local)
    Subscription.objects.update(gateway_payment_method=DECLINE)
    renew_due(now=add_month(T0))

    sub = subscription_pay_renewal(user=provider, payment_method=VISA)

    assert (sub.status, sub.grace_until, sub.plan.slug) == ("active", None, "premium")
    assert sub.current_period_end == add_month(add_month(T0))
    assert sub.gateway_payment_method == VISA
    assert Invoice.objects.get(kind="renewal").status == "paid"
    assert Payment.objects.filter(status="failed").count() == 1
    assert account_balance(account=PLATFORM_REVENUE, currency="EUR") == -5800


def test_an_admin_records_an_offline_month(provider, plans):
    from payments.ledger import CASH
    from tests.factories import UserFactory

    admin = UserFactory(is_staff=True, is_superuser=True)
    sub = subscription_record_manual(
        user=provider, plan=plans["elite"], actor=admin, note="Bank transfer 42", now=T0
    )

    assert (sub.plan.slug, sub.status, sub.gateway) == ("elite", "active", "manual")
    assert sub.current_period_end == add_month(T0)
    invoice = Invoice.objects.get()
    assert invoice.status == "paid" and invoice.payment.gateway == "manual"
    assert account_balance(account=CASH, currency="EUR") == 7900
    # No card on file: the renewal fails into grace; the admin records it too.
    renew_due(now=add_month(T0))
    assert Subscription.objects.get().status == "past_due"
    sub = subscription_record_manual(
        user=provider, plan=plans["elite"], actor=admin, note="Bank transfer 43"
    )
    assert sub.status == "active" and sub.current_period_end == add_month(add_month(T0))
    assert account_balance(account=CASH, currency="EUR") == 2 * 7900


def test_an_unreachable_gateway_charges_nothing_and_blocks_nothing(
    stripe_local, provider, plans, settings
):
    from payments.exceptions import GatewayUnreachable

    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # refused
    with pytest.raises(GatewayUnreachable):
        start_premium(provider, plans, stripe_local)
    assert list(Invoice.objects.values_list("status", flat=True)) == ["void"]
    assert effective_plan(user=provider).slug == "free"

    settings.STRIPE_API_BASE = stripe_local.base
    assert start_premium(provider, plans, stripe_local).plan.slug == "premium"


def _intent(payment: Payment) -> dict:
    from payments.gateways import get_gateway

    client = get_gateway("stripe").client
    return client.v1.payment_intents.retrieve(payment.gateway_payment_id).to_dict()


def test_renewal_charges_the_saved_card_off_session_as_the_customer(
    stripe_local, provider, plans
):
    from payments.models import GatewayOperation

    card = stripe_local.card()
    sub = subscription_change(
        user=provider, plan=plans["premium"], payment_method=card, now=T0
    )
    first = Invoice.objects.get(kind="start").payment
    assert sub.gateway_customer_id.startswith("cus_")
    assert _intent(first)["customer"] == sub.gateway_customer_id
    assert GatewayOperation.objects.filter(kind="create_customer").count() == 1

    assert renew_due(now=add_month(T0))["renewed"] == 1

    renewal = Invoice.objects.get(kind="renewal")
    assert (renewal.status, renewal.payment.status) == ("paid", "succeeded")
    intent = _intent(renewal.payment)
    assert (intent["customer"], intent["payment_method"], intent["status"]) == (
        sub.gateway_customer_id,
        card,
        "succeeded",
    )
    # One create-and-confirm call, no separate confirmation; the customer reused.
    ops = GatewayOperation.objects.filter(payment=renewal.payment)
    assert [(o.kind, o.request_summary.get("off_session")) for o in ops] == [
        ("create_payment", True)
    ]
    assert GatewayOperation.objects.filter(kind="create_customer").count() == 1
    assert account_balance(account=PLATFORM_REVENUE, currency="EUR") == -5800


def test_renewal_needing_authentication_goes_to_grace_and_says_pay_on_the_page(
    stripe_local, provider, plans
):
    start_premium(provider, plans, stripe_local)
    # The saved card's bank now asks for 3-D Secure, which needs the payer.
    three_ds = stripe_local.card("4000002500003155")
    Subscription.objects.update(gateway_payment_method=three_ds)
    due = add_month(T0)

    assert renew_due(now=due)["failed"] == 1

    sub = Subscription.objects.get()
    assert (sub.status, sub.plan.slug, sub.grace_until) == (
        "past_due",
        "premium",
        due + 7 * DAY,
    )
    renewal = Invoice.objects.get(kind="renewal")
    assert renewal.status == "open"
    assert (renewal.payment.status, renewal.payment.failure_code) == (
        "failed",
        "authentication_required",
    )
    note = Notification.objects.get(recipient=provider)
    assert "confirm your Premium renewal" in note.title
    assert "plan page" in note.title and note.url == "/dashboard/subscription/"
    assert account_balance(account=PLATFORM_REVENUE, currency="EUR") == -2900

    paid = subscription_pay_renewal(user=provider, payment_method=VISA)
    assert (paid.status, paid.current_period_end) == ("active", add_month(due))


def test_the_first_intent_asks_to_save_the_card_for_off_session_use(settings):
    """Stripe gets ``setup_future_usage`` with the customer; a gateway that
    refuses the parameter as unknown (localstripe) gets the intent without it."""
    from types import SimpleNamespace

    import stripe

    from payments.gateways import stripe as adapter_module

    sent: list[dict] = []

    class Intents:
        def __init__(self, refuse: bool) -> None:
            self.refuse = refuse

        def create(self, params: dict, options: dict) -> object:
            sent.append(params)
            if self.refuse and "setup_future_usage" in params:
                raise stripe.InvalidRequestError(
                    "Unexpected setup_future_usage", param=None
                )
            data = {"id": "pi_1", "status": "requires_payment_method"}
            data |= {"amount": params["amount"], "currency": params["currency"]}
            return SimpleNamespace(to_dict=lambda: data)

    for base, refuse in (("https://stripe.test", False), ("http://ls.test", True)):
        settings.STRIPE_API_BASE = base
        gateway = adapter_module.StripeGateway()
        gateway.client = SimpleNamespace(
            v1=SimpleNamespace(payment_intents=Intents(refuse))
        )
        sent.clear()
        created = gateway.create_payment(
            amount_minor=2900,
            currency="EUR",
            metadata={},
            idempotency_key="k",
            customer="cus_1",
            setup_future_usage="off_session",
        )
        assert created.id == "pi_1"
        assert sent[0]["customer"] == "cus_1"
        assert sent[0]["setup_future_usage"] == "off_session"
        if refuse:
            assert len(sent) == 2 and "setup_future_usage" not in sent[1]
            assert base in adapter_module._NO_SETUP_FUTURE_USAGE
        else:
            assert len(sent) == 1
            assert "off_session" not in sent[0]
