"""The deposit's pages and API against localstripe: who may pay (404 for
anyone else), bad amounts (400), paying twice (409), the card outcomes the pay
page shows (declined, expired, authentication, gateway unreachable), the return
page confirming without the webhook, the payment history with a constant
number of queries, and the admin's payouts report."""

from __future__ import annotations

import json

import pytest
import stripe
from django.test import Client
from django.urls import reverse

from audit.models import AuditEntry
from bookings.models import Booking, ProviderPayout
from bookings.services import booking_act
from payments import ledger
from payments.exceptions import CardExpired
from payments.gateways.stripe import StripeGateway
from payments.models import LedgerTransaction, Payment
from payments.selectors import account_balance
from tests.bookings.conftest import due_booking, move_to_past
from tests.factories import UserFactory
from tests.factories.bookings import (
    bookable_profile,
    client_account,
    local_time,
    request_booking,
)
from tests.factories.pages import make_city

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("ledger_balanced")]
S = Booking.Status


def api_start(api_client, user, booking: Booking, **body):  # noqa: ANN001, ANN201
    api_client.force_authenticate(user)
    return api_client.post(
        f"/api/v1/bookings/{booking.pk}/deposit", body, format="json"
    )


def confirm(client, booking: Booking, method: str):  # noqa: ANN001, ANN201
    return client.post(
        reverse("deposits:confirm", args=[booking.pk]),
        data=json.dumps({"payment_method": method}),
        content_type="application/json",
        HTTP_ACCEPT="application/json",
    )


# --- API ----------------------------------------------------------------------


def test_api_start_answers_the_client_secret_and_key(
    api_client, stripe_local, booking_due, deposit_client
):
    response = api_start(api_client, deposit_client, booking_due)
    assert response.status_code == 201, response.json()
    body = response.json()
    payment = Payment.objects.get()
    assert body["payment_id"] == payment.pk
    assert (body["amount_minor"], body["currency"]) == (6000, "EUR")
    assert body["client_secret"].startswith(payment.gateway_payment_id + "_secret_")
    assert body["publishable_key"] == "pk_test_localstripe"
    # Starting again resumes the same intent.
    again = api_start(api_client, deposit_client, booking_due).json()
    assert again["payment_id"] == payment.pk
    assert Payment.objects.count() == 1


def test_api_refuses_others_bad_amounts_and_paying_twice(
    api_client,
    stripe_local,
    booking_due,
    deposit_client,
    deposit_owner,
    django_capture_on_commit_callbacks,
):
    for user in (deposit_owner, client_account()):
        response = api_start(api_client, user, booking_due)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
    for amount in (-100, 0, 5999, 6001, 10**13, "ten"):
        response = api_start(
            api_client, deposit_client, booking_due, amount_minor=amount
        )
        assert response.status_code == 400, amount
        assert "amount_minor" in response.json()["error"]["fields"]
    assert Payment.objects.count() == 0
    assert (
        api_start(
            api_client, deposit_client, booking_due, amount_minor=6000
        ).status_code
        == 201
    )

    web = Client()
    web.force_login(deposit_client)
    with django_capture_on_commit_callbacks(execute=True):
        assert confirm(web, booking_due, "pm_card_visa").json()["status"] == "succeeded"
    response = api_start(api_client, deposit_client, booking_due)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "already_paid"
    assert Payment.objects.count() == 1


def test_api_409_when_no_deposit_is_due(api_client, stripe_local, deposit_client):
    profile = bookable_profile("Ida", city=make_city("Graz"), deposit_percent=0)
    booking = request_booking(
        profile,
        start=local_time(profile.home_city, days=2, hour=15),
        client=deposit_client,
    )
    response = api_start(api_client, deposit_client, booking)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "deposit_not_due"


def test_my_payments_lists_only_mine_in_pages_with_constant_queries(
    api_client,
    stripe_local,
    deposit_profile,
    deposit_client,
    deposit_owner,
    django_assert_max_num_queries,
):
    for days in (3, 4, 5):
        booking = due_booking(deposit_profile, deposit_client, deposit_owner, days=days)
        api_start(api_client, deposit_client, booking)
    stranger = client_account()
    api_client.force_authenticate(stranger)
    assert api_client.get("/api/v1/me/payments").json()["results"] == []

    api_client.force_authenticate(deposit_client)
    with django_assert_max_num_queries(4):
        first = api_client.get("/api/v1/me/payments?page_size=2").json()
    assert len(first["results"]) == 2
    row = first["results"][0]
    assert set(row) == {
        "id",
        "amount_minor",
        "amount_refunded_minor",
        "currency",
        "status",
        "purpose",
        "booking_id",
        "created_at",
    }
    assert (row["amount_minor"], row["purpose"]) == (6000, "deposit")
    with django_assert_max_num_queries(4):
        rest = api_client.get(first["next"]).json()
    ids = [r["booking_id"] for r in first["results"] + rest["results"]]
    assert sorted(ids) == sorted(
        Booking.objects.filter(client=deposit_client).values_list("pk", flat=True)
    )
    bad = api_client.get("/api/v1/me/payments?cursor=nonsense")
    assert bad.status_code == 400


# --- the pay page -----------------------------------------------------------------


def test_pay_page_shows_amount_deadline_terms_and_allows_stripe_js(
    client, stripe_local, booking_due, deposit_client
):
    client.force_login(deposit_client)
    response = client.get(reverse("deposits:pay", args=[booking_due.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "60 EUR" in html
    assert "data-deposit-deadline" in html
    assert "Cancel more than 24 hours before the start" in html
    assert f'src="{stripe_local.base}/js.stripe.com/v3/"' in html
    policy = response["Content-Security-Policy"]
    script_src = next(p for p in policy.split(";") if "script-src" in p)
    assert stripe_local.base in script_src
    assert stripe_local.base in next(p for p in policy.split(";") if "connect-src" in p)
    # The booking page links to it, for its client only.
    detail = client.get(reverse("bookings_dashboard:detail", args=[booking_due.pk]))
    assert "Pay deposit" in detail.content.decode()
    assert stripe_local.base not in detail["Content-Security-Policy"]


def test_pay_page_is_the_clients_only(client, stripe_local, booking_due, deposit_owner):
    for user in (deposit_owner, client_account()):
        client.force_login(user)
        for name in ("deposits:pay", "deposits:return"):
            assert client.get(reverse(name, args=[booking_due.pk])).status_code == 404
        assert confirm(client, booking_due, "pm_card_visa").status_code == 404
    assert Payment.objects.count() == 0


def test_card_outcomes_on_the_confirm_endpoint(
    client, stripe_local, booking_due, deposit_client, monkeypatch
):
    client.force_login(deposit_client)
    declined = confirm(client, booking_due, "pm_card_chargeCustomerFail")
    assert declined.status_code == 402
    assert declined.json()["error"]["code"] == "card_declined"
    bad = client.post(
        reverse("deposits:confirm", args=[booking_due.pk]),
        data="{not json",
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert bad.json()["error"]["fields"] == {"payment_method": ["A payment method id."]}

    # localstripe has no expired test card: the adapter's answer for one.
    def expired(self, **kwargs):  # noqa: ANN001, ANN003, ANN202
        raise CardExpired()

    monkeypatch.setattr(StripeGateway, "confirm_payment", expired)
    response = confirm(client, booking_due, "pm_card_visa")
    assert response.status_code == 402
    assert response.json()["error"]["message"] == CardExpired.default_message
    booking_due.refresh_from_db()
    assert booking_due.status == S.DEPOSIT_DUE
    assert list(Payment.objects.values_list("status", flat=True)) == ["failed"] * 2


def test_authentication_required_then_the_return_page(
    client, stripe_local, booking_due, deposit_client
):
    """A 3D Secure card (4000 0027 6000 3184): the endpoint hands back the
    client secret for Stripe.js; until the bank confirms, the return page says
    so and nothing is charged."""
    gateway = stripe.StripeClient(
        stripe_local.secret_key, base_addresses={"api": stripe_local.base}
    )
    method = gateway.v1.payment_methods.create(
        params={
            "type": "card",
            "card": {
                "number": "4000002760003184",
                "exp_month": 12,
                "exp_year": 2030,
                "cvc": "123",
            },
        }
    )
    client.force_login(deposit_client)
    body = confirm(client, booking_due, method.id).json()
    assert body["status"] == "requires_action"
    assert body["client_secret"].startswith("pi_")
    page = client.get(body["return_url"])
    assert page.status_code == 200
    assert 'data-outcome="action"' in page.content.decode()
    assert held() == 0


def held() -> int:
    return -account_balance(account=ledger.DEPOSITS_HELD, currency="EUR")


def test_return_page_confirms_without_the_webhook(
    client,
    stripe_local,
    booking_due,
    deposit_client,
    django_capture_on_commit_callbacks,
):
    """The browser confirmed at the gateway (as Stripe.js does); our record
    does not know yet. The return page asks the gateway and applies it."""
    client.force_login(deposit_client)
    client.get(reverse("deposits:pay", args=[booking_due.pk]))
    payment = Payment.objects.get()
    gateway = StripeGateway()
    gateway.confirm_payment(
        payment_id=payment.gateway_payment_id,
        payment_method="pm_card_visa",
        idempotency_key="browser-side",
    )
    assert Payment.objects.get().status == Payment.Status.REQUIRES_PAYMENT_METHOD
    with django_capture_on_commit_callbacks(execute=True):
        page = client.get(reverse("deposits:return", args=[booking_due.pk]))
    assert 'data-outcome="paid"' in page.content.decode()
    booking_due.refresh_from_db()
    assert booking_due.status == S.CONFIRMED
    assert held() == 6000
    # Again (a reload, then the webhook): nothing twice.
    client.get(reverse("deposits:return", args=[booking_due.pk]))
    assert LedgerTransaction.objects.filter(kind="deposit_paid").count() == 1


def test_gateway_unreachable_shows_a_calm_retry(
    client, stripe_local, booking_due, deposit_client, settings
):
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens there
    client.force_login(deposit_client)
    response = client.get(reverse("deposits:pay", args=[booking_due.pk]))
    assert response.status_code == 503
    html = response.content.decode()
    assert "Nothing was charged" in html
    assert "Try again" in html
    assert "data-deposit-form" not in html


def test_payments_page_and_provider_sees_deposit_held(
    client,
    stripe_local,
    deposit_profile,
    deposit_client,
    deposit_owner,
    django_assert_max_num_queries,
    django_capture_on_commit_callbacks,
):
    bookings = [
        due_booking(deposit_profile, deposit_client, deposit_owner, days=d)
        for d in (3, 4)
    ]
    client.force_login(deposit_client)
    with django_capture_on_commit_callbacks(execute=True):
        for booking in bookings:
            confirm(client, booking, "pm_card_visa")
    # 8 + the site settings (footer, title: one, cached on the request).
    with django_assert_max_num_queries(9):
        page = client.get("/dashboard/payments/")
    html = page.content.decode()
    assert html.count("data-payment=") == 2
    assert "60 EUR" in html and "Paid" in html
    client.force_login(deposit_owner)
    detail = client.get(reverse("bookings_dashboard:detail", args=[bookings[0].pk]))
    assert 'data-deposit-state="held"' in detail.content.decode()


# --- payouts ------------------------------------------------------------------


def test_payouts_report_csv_and_mark_paid(
    client,
    admin_login,
    stripe_local,
    booking_due,
    deposit_client,
    deposit_owner,
    django_capture_on_commit_callbacks,
):
    web = client
    web.force_login(deposit_client)
    with django_capture_on_commit_callbacks(execute=True):
        confirm(web, booking_due, "pm_card_visa")
        move_to_past(booking_due)
        booking_act(booking_id=booking_due.pk, actor=deposit_owner, action="no-show")
    payable = ledger.provider_payable(deposit_owner.pk)
    assert account_balance(account=payable, currency="EUR") == -6000

    # Not for staff who are not superusers.
    staff = UserFactory(is_staff=True)
    admin_login(web, staff)
    assert web.get("/cms/payouts/").status_code in (302, 403)

    admin = UserFactory(is_staff=True, is_superuser=True)
    admin_login(web, admin)
    page = web.get("/cms/payouts/")
    assert page.status_code == 200
    assert f'data-provider="{deposit_owner.pk}"' in page.content.decode()
    csv = web.get("/cms/payouts/payouts.csv").content.decode().splitlines()
    assert csv[1].startswith(f"{deposit_owner.pk},{deposit_owner.email},")
    assert csv[1].endswith(",6000,EUR")

    prefix = f"p{deposit_owner.pk}EUR"
    form = {
        "prefix": prefix,
        f"{prefix}-provider": deposit_owner.pk,
        f"{prefix}-currency": "EUR",
        f"{prefix}-reason": "",
    }
    web.post("/cms/payouts/mark-paid/", form)
    assert ProviderPayout.objects.count() == 0  # a reason is required
    form[f"{prefix}-reason"] = "Bank transfer ref 2026-11-30-01"
    web.post("/cms/payouts/mark-paid/", form)
    web.post("/cms/payouts/mark-paid/", form)  # a double click pays once
    payout = ProviderPayout.objects.get()
    assert (payout.amount_minor, payout.actor_id) == (6000, admin.pk)
    assert account_balance(account=payable, currency="EUR") == 0
    assert LedgerTransaction.objects.filter(kind="payout_paid").count() == 1
    entry = AuditEntry.objects.get(action="payout.mark_paid")
    assert entry.reason == "Bank transfer ref 2026-11-30-01"
    assert "Nobody is owed anything" in web.get("/cms/payouts/").content.decode()
