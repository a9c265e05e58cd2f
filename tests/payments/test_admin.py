"""The payments admin: Finance (and superusers) see payments, refunds,
webhook events, the ledger and reconciliation differences in constant
queries; they refund (with a reason, never more than the remainder), record
an offline payment and resolve a difference. Other staff see none of it."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from accounts.models import Role, User
from audit.models import AuditEntry
from payments.models import (
    LedgerTransaction,
    Payment,
    ReconciliationIssue,
    ReconciliationRun,
    Refund,
    WebhookEvent,
)
from payments.services import (
    payment_confirm,
    payment_record_manual,
    payment_refund,
    payment_start,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CMS = "/cms/payments/"
LISTINGS = {
    "payments": CMS + "payments/",
    "refunds": CMS + "refunds/",
    "webhooks": CMS + "webhooks/",
    "ledger": CMS + "ledger/",
    "reconciliation": CMS + "reconciliation/",
}
RECORD = CMS + "record/"
S = Payment.Status


@pytest.fixture
def finance(db) -> User:  # noqa: ANN001
    user = UserFactory(role=Role.STAFF, is_staff=True, email="ledger@example.test")
    user.groups.add(Group.objects.get(name="Finance"))
    return user


@pytest.fixture
def moderator_staff(db) -> User:  # noqa: ANN001
    user = UserFactory(role=Role.STAFF, is_staff=True)
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


def _offline(payer: User, actor: User, ref: str, amount: int = 5_000) -> Payment:
    return payment_record_manual(
        payer=payer,
        amount_minor=amount,
        currency="EUR",
        purpose=Payment.Purpose.OTHER,
        reference=("payments.offline", ref),
        actor=actor,
        note="Bank transfer",
    )


def _issue(ref: str) -> ReconciliationIssue:
    run = ReconciliationRun.objects.create(gateway="stripe", since="2026-01-01T00:00Z")
    return ReconciliationIssue.objects.create(
        run=run,
        gateway="stripe",
        kind=ReconciliationIssue.Kind.MISSING_LOCALLY,
        object_type=ReconciliationIssue.ObjectType.PAYMENT,
        gateway_object_id=f"pi_{ref}",
        theirs="succeeded, 777 EUR",
    )


def _more_rows(payer: User, actor: User, start: int, n: int) -> None:
    for i in range(start, start + n):
        payment = _offline(UserFactory(), actor, f"T{i}")
        payment_refund(payment=payment, amount_minor=100, reason="part", actor=actor)
        WebhookEvent.objects.create(
            gateway="stripe",
            event_id=f"evt_{i}",
            type="payment_intent.succeeded",
            payload={"id": f"evt_{i}"},
        )
        _issue(str(i))


def test_listings_in_constant_queries(
    client,
    finance,
    payer,
    admin_login,
    django_assert_max_num_queries,  # noqa: ANN001
):
    admin_login(client, finance)
    _more_rows(payer, finance, 0, 1)
    menu = client.get("/cms/").content.decode()
    assert all(url in menu for url in [*LISTINGS.values(), RECORD])
    counts = {}
    for name, url in LISTINGS.items():
        client.get(url)
        with django_assert_max_num_queries(40) as few:
            response = client.get(url)
        assert response.status_code == 200, (name, response.content[:300])
        assert len(response.context["object_list"]) >= 1, name
        counts[name] = len(few.captured_queries)
    _more_rows(payer, finance, 1, 6)
    for name, url in LISTINGS.items():
        with django_assert_max_num_queries(counts[name]):
            response = client.get(url)
        assert response.status_code == 200
        assert len(response.context["object_list"]) >= 6, name
    ledger = client.get(LISTINGS["ledger"]).content.decode()
    assert "cash 50 EUR" in ledger and "platform_revenue −50 EUR" in ledger
    # Every inspect page renders (the ledger's with its entries).
    for name, model in (
        ("payments", Payment),
        ("refunds", Refund),
        ("webhooks", WebhookEvent),
        ("reconciliation", ReconciliationIssue),
    ):
        obj = model.objects.first()
        page = client.get(f"{LISTINGS[name]}inspect/{obj.pk}/")
        assert page.status_code == 200, name
    txn = LedgerTransaction.objects.first()
    page = client.get(f"{LISTINGS['ledger']}inspect/{txn.pk}/").content.decode()
    assert "+5000 EUR" in page and "-5000 EUR" in page
    assert client.get(f"{LISTINGS['payments']}inspect/999999999/").status_code == 404


def test_other_staff_see_no_payments(
    client, moderator_staff, payer, finance, admin_login
):  # noqa: ANN001
    payment = _offline(payer, finance, "A1")
    issue = _issue("x")
    admin_login(client, moderator_staff)
    assert CMS not in client.get("/cms/").content.decode()
    for url in [
        *LISTINGS.values(),
        f"{LISTINGS['payments']}inspect/{payment.pk}/",
        f"{LISTINGS['reconciliation']}inspect/{issue.pk}/",
        RECORD,
    ]:
        response = client.get(url)
        assert response.status_code in (302, 403), url
        assert "object_list" not in (response.context or {}), url
    refund = client.post(
        f"{LISTINGS['payments']}inspect/{payment.pk}/",
        {"amount": "10.00", "reason": "mine"},
    )
    resolve = client.post(
        f"{LISTINGS['reconciliation']}inspect/{issue.pk}/", {"reason": "mine"}
    )
    assert refund.status_code in (302, 403) and resolve.status_code in (302, 403)
    assert not Refund.objects.exists()
    issue.refresh_from_db()
    assert issue.resolved_at is None


def test_filters_and_search(client, finance, payer, admin_login):  # noqa: ANN001
    admin_login(client, finance)
    mine = _offline(payer, finance, "F1")
    other = _offline(UserFactory(email="someone@example.test"), finance, "F2")
    payment_refund(payment=other, amount_minor=5_000, reason="all", actor=finance)

    def listed(**params: str) -> set[int]:
        response = client.get(LISTINGS["payments"], params)
        assert response.status_code == 200
        return {p.pk for p in response.context["object_list"]}

    assert listed() == {mine.pk, other.pk}
    assert listed(status="refunded") == {other.pk}
    assert listed(gateway="manual", purpose="other") == {mine.pk, other.pk}
    assert listed(gateway="stripe") == set()
    assert listed(q=payer.email) == {mine.pk}
    assert listed(q=other.gateway_payment_id) == {other.pk}
    assert listed(created_at_from="2000-01-01", created_at_to="2000-01-02") == set()

    WebhookEvent.objects.create(
        gateway="stripe",
        event_id="evt_a",
        type="charge.refunded",
        payload={},
        outcome="applied",
        processed_at="2026-11-30T10:00Z",
    )
    WebhookEvent.objects.create(
        gateway="stripe",
        event_id="evt_b",
        type="payment_intent.succeeded",
        payload={},
    )

    def events(**params: str) -> set[str]:
        response = client.get(LISTINGS["webhooks"], params)
        return {e.event_id for e in response.context["object_list"]}

    assert events(processed="true") == {"evt_a"}
    assert events(processed="false") == {"evt_b"}
    assert events(outcome="applied") == {"evt_a"}
    assert events(type="payment_intent") == {"evt_b"}


@pytest.fixture
def card_payment(stripe_local, payer) -> Payment:  # noqa: ANN001
    started = payment_start(
        payer=payer,
        amount_minor=12_000,
        currency="EUR",
        purpose=Payment.Purpose.DEPOSIT,
        reference=("bookings.booking", "31"),
    )
    return payment_confirm(payment=started.payment, payment_method="pm_card_visa")


def test_refund_from_the_inspect_page(client, finance, card_payment, admin_login):  # noqa: ANN001
    admin_login(client, finance)
    url = f"{LISTINGS['payments']}inspect/{card_payment.pk}/"
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["refund_form"].initial["amount"] == 120
    assert "Up to 120 EUR can be refunded" in page.content.decode()

    too_much = client.post(url, {"amount": "120.01", "reason": "Declined"})
    assert too_much.status_code == 400
    assert "At most 12000" in str(too_much.context["refund_form"].errors["amount"])
    for bad in ("abc", "-5", "0", "1e9", "0.001"):
        response = client.post(url, {"amount": bad, "reason": "Declined"})
        assert response.status_code == 400, bad
        assert "amount" in response.context["refund_form"].errors, bad
    no_reason = client.post(url, {"amount": "20.00", "reason": "   "})
    assert no_reason.status_code == 400
    assert "reason" in no_reason.context["refund_form"].errors
    assert not Refund.objects.filter(status=Refund.Status.SUCCEEDED).exists()

    done = client.post(url, {"amount": "20.00", "reason": "Provider declined"})
    assert done.status_code == 302
    card_payment.refresh_from_db()
    assert (card_payment.status, card_payment.amount_refunded_minor) == (
        S.PARTIALLY_REFUNDED,
        2_000,
    )
    audit = AuditEntry.objects.get(action="payment.refunded")
    assert (audit.actor_id, audit.reason, audit.data["amount_minor"]) == (
        finance.pk,
        "Provider declined",
        2_000,
    )
    again = client.get(url)
    assert again.context["refund_form"].initial["amount"] == 100
    assert "Provider declined" in again.content.decode()


def test_no_refund_form_on_an_unpaid_payment(
    client, finance, payer, admin_login, stripe_local
):  # noqa: ANN001
    admin_login(client, finance)
    started = payment_start(
        payer=payer,
        amount_minor=3_000,
        currency="EUR",
        purpose=Payment.Purpose.OTHER,
        reference=("tests.thing", "unpaid"),
    )
    url = f"{LISTINGS['payments']}inspect/{started.payment.pk}/"
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["may_refund"] is False
    assert "refund-heading" not in page.content.decode()
    assert client.post(url, {"amount": "10", "reason": "x"}).status_code in (302, 403)
    assert not Refund.objects.exists()


def test_refund_when_the_gateway_is_unreachable(
    client,
    finance,
    card_payment,
    admin_login,
    settings,  # noqa: ANN001
):
    admin_login(client, finance)
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens
    url = f"{LISTINGS['payments']}inspect/{card_payment.pk}/"
    response = client.post(url, {"amount": "10.00", "reason": "Late cancel"})
    assert response.status_code == 400
    assert "cannot be reached" in response.content.decode()
    card_payment.refresh_from_db()
    assert (card_payment.status, card_payment.amount_refunded_minor) == (S.SUCCEEDED, 0)
    assert list(Refund.objects.values_list("status", flat=True)) == ["failed"]


def test_record_an_offline_payment(client, finance, payer, admin_login):  # noqa: ANN001
    admin_login(client, finance)
    assert client.get(RECORD).status_code == 200
    form = {
        "payer_email": payer.email.upper(),
        "amount": "250.00",
        "currency": "eur",
        "purpose": "subscription",
        "reference": "BANK-2026-0042",
        "note": "Transfer seen on the statement",
    }
    response = client.post(RECORD, form)
    assert response.status_code == 302
    payment = Payment.objects.get()
    assert (
        payment.payer,
        payment.gateway,
        payment.status,
        payment.amount_minor,
        payment.currency,
        payment.reference_id,
    ) == (payer, "manual", S.SUCCEEDED, 25_000, "EUR", "BANK-2026-0042")
    assert response["Location"].endswith(f"/inspect/{payment.pk}/")
    audit = AuditEntry.objects.get(action="payment.recorded_manually")
    assert (audit.actor_id, audit.reason) == (finance.pk, form["note"])

    twice = client.post(RECORD, form)
    assert twice.status_code == 400
    assert "reference" in twice.context["form"].errors
    nobody = client.post(RECORD, {**form, "payer_email": "nobody@example.test"})
    assert "payer_email" in nobody.context["form"].errors
    assert Payment.objects.count() == 1


def test_mark_a_difference_resolved(client, finance, admin_login):  # noqa: ANN001
    admin_login(client, finance)
    issue, other = _issue("a"), _issue("b")
    url = f"{LISTINGS['reconciliation']}inspect/{issue.pk}/"
    assert "Mark resolved" in client.get(url).content.decode()
    blank = client.post(url, {"reason": ""})
    assert blank.status_code == 400
    assert client.post(url, {"reason": "Dashboard test payment"}).status_code == 302
    issue.refresh_from_db()
    assert (issue.resolved_by, issue.resolution) == (finance, "Dashboard test payment")
    assert AuditEntry.objects.filter(
        action="payment.reconciliation_resolved", target_id=issue.pk
    ).exists()
    assert "Mark resolved" not in client.get(url).content.decode()
    open_ones = client.get(LISTINGS["reconciliation"], {"open": "true"})
    assert [i.pk for i in open_ones.context["object_list"]] == [other.pk]


def test_demo_payments_are_idempotent():
    from payments import demo

    UserFactory(email=demo.CLIENT_EMAIL, role=Role.CLIENT)
    UserFactory(email=demo.ADMIN_EMAIL, role=Role.STAFF, is_superuser=True)
    lines: list[str] = []
    demo.seed(log=lines.append)
    demo.seed(log=lines.append)
    assert sorted(Payment.objects.values_list("gateway", "status")) == [
        ("manual", "partially_refunded"),
        ("stripe", "succeeded"),
        ("stripe", "succeeded"),
        ("stripe", "succeeded"),
    ]
    assert Refund.objects.get().amount_minor == demo.REFUND_MINOR
    assert LedgerTransaction.objects.count() == 5  # four payments, one refund
    assert lines[-1] == "payments: 0 new payment(s) (4 in the demo)"


def test_refund_of_a_released_deposit_shows_why(
    client, finance, card_payment, admin_login
):  # noqa: ANN001
    from payments.services import deposit_release

    provider = UserFactory(role=Role.ESCORT)
    deposit_release(payment=card_payment, provider_id=provider.pk)
    admin_login(client, finance)
    url = f"{LISTINGS['payments']}inspect/{card_payment.pk}/"
    response = client.post(url, {"amount": "20.00", "reason": "Client asked"})
    assert response.status_code == 400
    errors = response.context["refund_form"].non_field_errors()
    assert "released to the provider" in str(errors)
    assert not Refund.objects.exists()
    card_payment.refresh_from_db()
    assert card_payment.amount_refunded_minor == 0
