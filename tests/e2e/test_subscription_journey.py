"""A provider on Free opens "Your plan", types test card 4242 4242 4242 4242
into the Stripe.js form (localstripe's), starts Premium, sees the plan and its
invoice, and opens the printable receipt. The card goes from the browser to
the gateway; our server sees a payment method id only."""

from __future__ import annotations

import os

import pytest

from payments import ledger
from payments.selectors import account_balance
from subscriptions.models import Invoice, Subscription
from tests.e2e.checks import check_page
from tests.e2e.signin import sign_in_checked
from tests.factories.pages import EscortOwnerFactory

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
# PAYMENT_SCREENSHOTS=<dir> saves the pages for a person to look at.
SHOTS_DIR = os.environ.get("PAYMENT_SCREENSHOTS", "")


def shot(page, name: str) -> None:  # noqa: ANN001 - a Playwright Page
    if SHOTS_DIR:
        page.screenshot(path=f"{SHOTS_DIR}/subscription-{name}.png", full_page=True)


def test_provider_starts_premium_with_a_card_and_prints_the_receipt(
    live_server, new_page, stripe_local, viewport
):
    owner = EscortOwnerFactory(email="lena@example.test")
    width = viewport["width"]
    page = new_page()
    sign_in_checked(page, live_server.url, owner.email, "/dashboard/subscription/")
    page.get_by_label("Card number").wait_for()
    check_page(page)
    assert page.locator("[data-plan]").get_attribute("data-plan") == "free"

    page.get_by_label("Card number").press_sequentially("4242424242424242")
    page.get_by_label("Expiry month (MM)").press_sequentially("12")
    page.get_by_label("Expiry year (YY)").press_sequentially("30")
    page.get_by_label("Security code (CVC)").press_sequentially("123")
    page.get_by_label("Postcode").press_sequentially("1010")
    shot(page, f"{width}-pick")
    page.get_by_role("button", name="Start Premium").click()
    page.locator('[data-plan="premium"]').wait_for()
    check_page(page)
    shot(page, f"{width}-premium")
    assert "You are on the Premium plan." in page.content()

    sub = Subscription.objects.get(user=owner)
    assert sub.plan.slug == "premium" and sub.status == "active"
    invoice = Invoice.objects.get()
    assert (invoice.status, invoice.amount_minor) == ("paid", 2900)
    assert account_balance(account=ledger.PLATFORM_REVENUE, currency="EUR") == -2900

    page.get_by_role("link", name=invoice.number).click()
    page.wait_for_url(f"**/dashboard/subscription/invoices/{invoice.number}/")
    check_page(page)
    shot(page, f"{width}-receipt")
    assert page.get_by_role("heading", name=f"Receipt {invoice.number}").count() == 1
    assert page.locator("[data-invoice-total]").inner_text() == "29 EUR"
