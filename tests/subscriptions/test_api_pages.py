"""The plans and subscription API, the plan page, printable invoices (the
owner's only) and the admin's Revenue report."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone

from accounts.models import Role
from payments.ledger import (
    CLIENT_REFUNDS,
    DEPOSITS_HELD,
    GATEWAY_CLEARING,
    PLATFORM_REVENUE,
    provider_payable,
)
from payments.models import LedgerTransaction, Payment
from payments.services import ledger_post
from subscriptions.models import Invoice, Plan, Subscription
from subscriptions.revenue import revenue_figures
from subscriptions.services import renew_due, subscription_change
from tests.assertions import assert_error_shape
from tests.factories import UserFactory

from .conftest import T0

pytestmark = pytest.mark.django_db
VISA = "pm_card_visa"


def test_plans_are_public_and_cheapest_first(api_client, django_assert_max_num_queries):
    Plan.objects.create(name="Hidden", slug="hidden", price_minor=100, active=False)
    with django_assert_max_num_queries(1):
        response = api_client.get("/api/v1/plans")
    assert response.status_code == 200
    body = response.json()
    assert [p["slug"] for p in body] == ["free", "premium", "elite"]
    assert body[1] == {
        "slug": "premium",
        "name": "Premium",
        "description": "More photos and tours, the VIP badge.",
        "price_minor": 2900,
        "currency": "EUR",
        "max_photos": 10,
        "max_active_tours": 5,
        "vip_badge": True,
        "featured_on_city_pages": False,
    }


def test_my_subscription_through_the_api(stripe_local, api_client, provider):
    api_client.force_authenticate(provider)
    assert api_client.get("/api/v1/me/subscription").json()["plan"]["slug"] == "free"

    started = api_client.post(
        "/api/v1/me/subscription",
        {"plan": "premium", "payment_method": VISA},
        format="json",
    )

    assert started.status_code == 200, started.content[:300]
    body = started.json()
    assert body["plan"]["slug"] == "premium" and body["status"] == "active"
    assert body["usage"] == {"photos": 0, "active_tours": 0, "vip_badge": False}
    number = body["invoices"][0]["number"]
    assert body["invoices"][0]["url"] == f"/dashboard/subscription/invoices/{number}/"
    down = api_client.post("/api/v1/me/subscription", {"plan": "free"}, format="json")
    assert down.json()["pending_plan"] == "free"
    cancel = api_client.post("/api/v1/me/subscription/cancel")
    assert cancel.json()["cancel_at_period_end"] is True


def test_api_bad_input_is_a_clear_4xx(stripe_local, api_client, provider):
    api_client.force_authenticate(provider)
    unknown = api_client.post(
        "/api/v1/me/subscription", {"plan": "gold"}, format="json"
    )
    assert assert_error_shape(unknown, 400)["fields"] == {"plan": ["Unknown plan."]}
    no_card = api_client.post(
        "/api/v1/me/subscription", {"plan": "elite"}, format="json"
    )
    assert_error_shape(no_card, 400, "card_needed")
    declined = api_client.post(
        "/api/v1/me/subscription",
        {"plan": "elite", "payment_method": "pm_card_chargeCustomerFail"},
        format="json",
    )
    assert_error_shape(declined, 402, "card_declined")
    assert_error_shape(
        api_client.post("/api/v1/me/subscription/cancel"), 400, "not_subscribed"
    )
    assert Payment.objects.filter(status="succeeded").count() == 0

    api_client.force_authenticate(UserFactory(role=Role.CLIENT))
    assert_error_shape(api_client.get("/api/v1/me/subscription"), 403)
    api_client.force_authenticate(None)
    assert api_client.get("/api/v1/me/subscription").status_code in (401, 403)


def test_plan_change_while_renewal_pending_is_409(stripe_local, api_client, provider):
    subscription_change(
        user=provider,
        plan=Plan.objects.get(slug="premium"),
        payment_method=VISA,
        now=T0,
    )
    Subscription.objects.update(gateway_payment_method="pm_card_chargeCustomerFail")
    renew_due(now=T0 + dt.timedelta(days=31))
    api_client.force_authenticate(provider)

    response = api_client.post(
        "/api/v1/me/subscription",
        {"plan": "elite", "payment_method": VISA},
        format="json",
    )

    assert_error_shape(response, 409, "renewal_pending")
    assert Subscription.objects.get().plan.slug == "premium"
    assert Payment.objects.filter(status="succeeded").count() == 1  # nothing charged
    paid = api_client.post(
        "/api/v1/me/subscription/pay", {"payment_method": VISA}, format="json"
    )
    assert paid.status_code == 200 and paid.json()["status"] == "active"


def test_plan_page_shows_plan_usage_and_invoices(stripe_local, client, provider):
    subscription_change(
        user=provider, plan=Plan.objects.get(slug="premium"), payment_method=VISA
    )
    client.force_login(provider)

    html = client.get("/dashboard/subscription/").content.decode()

    assert 'data-plan="premium"' in html and 'data-status="active"' in html
    invoice = Invoice.objects.get()
    assert f'data-invoice="{invoice.number}"' in html
    assert "Upgrade to Elite" in html and "Move to Free at period end" in html
    assert "Cancel at the end of the period" in html


def test_plan_page_form_changes_the_plan_with_csrf(stripe_local, client, provider):
    subscription_change(
        user=provider, plan=Plan.objects.get(slug="elite"), payment_method=VISA
    )
    client.force_login(provider)

    response = client.post(
        "/dashboard/subscription/change/", {"plan": "premium"}, follow=True
    )

    assert "You move to Premium on" in response.content.decode()
    assert Subscription.objects.get().pending_plan.slug == "premium"
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(provider)
    assert strict.post("/dashboard/subscription/cancel/").status_code == 403


def test_invoices_are_the_owners_only(stripe_local, client, provider):
    subscription_change(
        user=provider, plan=Plan.objects.get(slug="premium"), payment_method=VISA
    )
    invoice = Invoice.objects.get()
    url = f"/dashboard/subscription/invoices/{invoice.number}/"
    client.force_login(provider)

    own = client.get(url)

    assert own.status_code == 200
    html = own.content.decode()
    assert f"Receipt {invoice.number}" in html and "29 EUR" in html
    assert "Premium, one month" in html
    client.force_login(UserFactory(role=Role.ESCORT))
    assert client.get(url).status_code == 404
    assert client.get("/dashboard/subscription/invoices/INV-nope/").status_code == 404


@pytest.fixture
def built_data(db):  # noqa: ANN001
    """Ledger and subscriptions with known figures (today, EUR)."""
    premium, elite = Plan.objects.get(slug="premium"), Plan.objects.get(slug="elite")
    now = timezone.now()
    for plan, status in ((premium, "active"), (elite, "past_due"), (premium, "active")):
        Subscription.objects.create(
            user=UserFactory(role=Role.ESCORT),
            plan=plan,
            status=status,
            grace_until=now if status == "past_due" else None,
            current_period_start=now - dt.timedelta(days=3),
            current_period_end=now + dt.timedelta(days=27),
        )
    Subscription.objects.create(
        user=UserFactory(role=Role.ESCORT),
        plan=Plan.objects.get(slug="free"),
        status="canceled",
        canceled_at=now - dt.timedelta(days=2),
    )
    payer = UserFactory()
    causes = [
        Payment.objects.create(
            payer=payer,
            purpose="subscription",
            reference_type="t",
            reference_id=str(n),
            amount_minor=1,
            currency="EUR",
            gateway="manual",
        )
        for n in range(4)
    ]
    ledger_post(
        kind=LedgerTransaction.Kind.SUBSCRIPTION_CHARGE,
        cause=causes[0],
        entries=[(GATEWAY_CLEARING, 7900), (PLATFORM_REVENUE, -7900)],
        currency="EUR",
    )
    ledger_post(
        kind=LedgerTransaction.Kind.REFUND,
        cause=causes[1],
        entries=[(CLIENT_REFUNDS, 900), (GATEWAY_CLEARING, -900)],
        currency="EUR",
    )
    ledger_post(
        kind=LedgerTransaction.Kind.DEPOSIT_PAID,
        cause=causes[2],
        entries=[(GATEWAY_CLEARING, 5000), (DEPOSITS_HELD, -5000)],
        currency="EUR",
    )
    ledger_post(
        kind=LedgerTransaction.Kind.DEPOSIT_RELEASED,
        cause=causes[3],
        entries=[(DEPOSITS_HELD, 2000), (provider_payable(7), -2000)],
        currency="EUR",
    )


def test_revenue_figures_are_exact_on_built_data(built_data):
    figures = revenue_figures(currency="EUR")

    assert figures.mrr_minor == 2900 + 7900 + 2900
    assert figures.paid_subscriptions == 3
    assert figures.churned_30d == 1 and figures.churn_percent == "25.0 %"
    assert figures.revenue_total_minor == 7900
    assert figures.refunds_total_minor == 900
    assert figures.deposits_held_minor == 3000
    assert figures.deposits_owed_minor == 2000
    assert len(figures.days) == 30
    today = figures.days[-1]
    assert (today.revenue_minor, today.refunds_minor, today.net_minor) == (
        7900,
        900,
        7000,
    )
    assert sum(d.revenue_minor for d in figures.days[:-1]) == 0


def test_revenue_report_is_for_admins_with_chart_and_csv(
    built_data, client, admin_login
):
    admin = UserFactory(role=Role.STAFF, is_staff=True, is_superuser=True)
    admin_login(client, admin)

    page = client.get("/cms/reports/revenue/")

    assert page.status_code == 200
    html = page.content.decode()
    assert '<dd data-figure="mrr">137 EUR</dd>' in html
    assert '<dd data-figure="owed">20 EUR</dd>' in html
    assert html.count("<rect ") == 30
    exported = client.get("/cms/reports/revenue/?format=csv")
    assert exported["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(exported.content.decode())))
    assert rows[0] == [
        "date",
        "revenue_minor",
        "refunds_minor",
        "net_minor",
        "currency",
    ]
    assert rows[30][1:] == ["7900", "900", "7000", "EUR"]
    assert ["mrr_minor", "13700"] in rows and ["churn_rate", "0.2500"] in rows

    moderator = UserFactory(role=Role.STAFF, is_staff=True)
    admin_login(client, moderator)
    assert client.get("/cms/reports/revenue/").status_code in (302, 403)


def test_dashboard_home_shows_the_plan_panel_to_escorts_only(client, provider):
    client.force_login(provider)
    html = client.get("/dashboard/").content.decode()
    panel = html[html.index('data-panel="plan"') :]
    assert '<p class="dashboard-panel__figure">Free</p>' in panel
    assert 'href="/dashboard/subscription/"' in panel

    client.force_login(UserFactory(role=Role.CLIENT))
    assert 'data-panel="plan"' not in client.get("/dashboard/").content.decode()
    assert client.get("/dashboard/subscription/").status_code == 404


def test_admins_edit_plans_but_cannot_delete_one(client, admin_login):
    admin = UserFactory(role=Role.STAFF, is_staff=True, is_superuser=True)
    admin_login(client, admin)
    premium = Plan.objects.get(slug="premium")
    form = {
        "name": "Premium",
        "slug": "premium",
        "description": "More.",
        "price_minor": "3400",
        "currency": "EUR",
        "max_photos": "10",
        "max_active_tours": "5",
        "vip_badge": "on",
        "active": "on",
        "sort_order": "10",
    }

    edited = client.post(f"/cms/subscriptions/plans/edit/{premium.pk}/", form)

    assert edited.status_code == 302
    premium.refresh_from_db()
    assert (premium.price_minor, premium.featured_on_city_pages) == (3400, False)
    listing = client.get("/cms/subscriptions/plans/").content.decode()
    assert "/cms/subscriptions/plans/delete/" not in listing
    refused = client.post(f"/cms/subscriptions/plans/delete/{premium.pk}/")
    assert refused.status_code in (302, 403)
    assert Plan.objects.filter(pk=premium.pk).exists()
