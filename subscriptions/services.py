"""Subscription writes (docs/subscriptions.md). Every charge is a payments
``Payment`` whose reference is an ``Invoice``; payments posts the ledger and
tells us by its ``payment_succeeded``/``payment_failed`` signals, which
``subscriptions.receivers`` turn into ``invoice_settle_paid`` /
``invoice_settle_failed`` (inside payments' transaction). Gateway calls are
never made inside our own transactions: the decision (the invoice) commits
first, like payments.services.

Rules:
- start: a paid plan from Free charges the full monthly price now; the period
  runs one calendar month from now.
- upgrade: the price difference for the remaining part of the period, now,
  prorated by the second and rounded half up to the minor unit; the period end
  stays.
- downgrade (to a cheaper paid plan or Free): no credit; the current plan runs
  to the period end, the renewal then bills the cheaper plan (or moves to Free).
- cancel: at the period end (then Free); can be undone until then.
- renewal (beat task ``subscriptions.tasks.renew_due``): charge the saved card;
  a failure opens a 7-day grace period (plan kept, notification); still unpaid
  at its end, the subscription moves to Free (notification).
- any change while an invoice is open (a pending renewal, another charge):
  409."""

from __future__ import annotations

import calendar
import datetime as dt
import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Role, User
from core.exceptions import ApplicationError, PermissionDenied
from directory.services import profiles_vip_follow_plan
from notifications.models import Kind
from notifications.services import notify
from payments.exceptions import AuthenticationRequired
from payments.gateways import get_gateway
from payments.models import Payment
from payments.services import (
    gateway_call,
    payment_confirm,
    payment_record_manual,
    payment_start,
)
from subscriptions import events
from subscriptions.exceptions import (
    CardNeeded,
    ChargeInProgress,
    NothingToChange,
    NotSubscribed,
    PlanUnavailable,
    RenewalPending,
)
from subscriptions.models import GRACE_DAYS, Invoice, Plan, Subscription
from subscriptions.selectors import plan_free

logger = logging.getLogger(__name__)
S = Subscription.Status
DASHBOARD_URL = "/dashboard/subscription/"


# --- time and money ---------------------------------------------------------------


def add_month(moment: dt.datetime) -> dt.datetime:
    """The same day and time a calendar month later (31 Jan -> 28/29 Feb)."""
    year, month = (
        (moment.year + 1, 1) if moment.month == 12 else (moment.year, moment.month + 1)
    )
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def prorated_minor(
    *, difference_minor: int, now: dt.datetime, start: dt.datetime, end: dt.datetime
) -> int:
    """``difference_minor`` x (the part of [start, end) still to come),
    rounded half up, in whole seconds."""
    period = int((end - start).total_seconds())
    remaining = max(0, min(period, int((end - now).total_seconds())))
    if period <= 0 or difference_minor <= 0:
        return 0
    return (2 * difference_minor * remaining + period) // (2 * period)


# --- choosing a plan ---------------------------------------------------------------


def subscription_change(
    *,
    user: User,
    plan: Plan,
    payment_method: str = "",
    gateway: str = "stripe",
    now: dt.datetime | None = None,
) -> Subscription:
    """Move ``user`` to ``plan``: start, upgrade (charged now, prorated),
    downgrade (at the period end) or undo a pending downgrade/cancel. Card
    errors propagate (402) with nothing changed."""
    now = now or timezone.now()
    if not plan.active:
        raise PlanUnavailable(fields={"plan": [PlanUnavailable.default_message]})
    if user.role != Role.ESCORT:
        raise PermissionDenied("Plans are for provider accounts.")
    invoice = _decide(
        user=user, plan=plan, payment_method=payment_method, gateway=gateway, now=now
    )
    if invoice is None:
        return Subscription.objects.select_related("plan", "pending_plan").get(
            user=user
        )
    sub = Subscription.objects.get(user=user)
    method = payment_method or sub.gateway_payment_method
    _charge(invoice=invoice, payment_method=method)
    Subscription.objects.filter(pk=sub.pk).update(gateway_payment_method=method)
    return Subscription.objects.select_related("plan", "pending_plan").get(pk=sub.pk)


def subscription_record_manual(
    *,
    user: User,
    plan: Plan,
    actor: User,
    note: str,
    now: dt.datetime | None = None,
) -> Subscription:
    """An admin records a month paid offline (bank transfer) for a provider
    who cannot pay by card: the open renewal if there is one, else a start
    (or prorated upgrade) of ``plan``. payments records it on the manual
    gateway (ledger: cash, audited) and its signal settles the invoice."""
    now = now or timezone.now()
    invoice = (
        Invoice.objects.filter(
            user=user, status=Invoice.Status.OPEN, kind=Invoice.Kind.RENEWAL
        )
        .select_related("subscription")
        .first()
    )
    if invoice is None:
        invoice = _decide(
            user=user,
            plan=plan,
            payment_method="",
            gateway="manual",
            now=now,
            manual=True,
        )
    if invoice is not None:
        try:
            payment_record_manual(
                payer=user,
                amount_minor=invoice.amount_minor,
                currency=invoice.currency,
                purpose=Payment.Purpose.SUBSCRIPTION,
                reference=invoice,
                actor=actor,
                note=note,
            )
        except ApplicationError:
            Invoice.objects.filter(pk=invoice.pk, status=Invoice.Status.OPEN).exclude(
                kind=Invoice.Kind.RENEWAL
            ).update(status=Invoice.Status.VOID)
            raise
    return Subscription.objects.select_related("plan", "pending_plan").get(user=user)


@transaction.atomic
def _decide(
    *,
    user: User,
    plan: Plan,
    payment_method: str,
    gateway: str,
    now: dt.datetime,
    manual: bool = False,
) -> Invoice | None:
    """Under the subscription's row lock: apply what needs no money, or open
    the invoice to charge (committed before the gateway call)."""
    sub = _locked_subscription(user=user, gateway=gateway)
    if sub.invoices.filter(status=Invoice.Status.OPEN).exists():
        if sub.invoices.filter(
            status=Invoice.Status.OPEN, kind=Invoice.Kind.RENEWAL
        ).exists():
            raise RenewalPending()
        raise ChargeInProgress()
    current = sub.plan if sub.status != S.CANCELED else plan_free()
    if plan.pk == current.pk:
        if sub.pending_plan_id or sub.cancel_at_period_end:
            sub.pending_plan = None
            sub.cancel_at_period_end = False
            sub.save(
                update_fields=["pending_plan", "cancel_at_period_end", "updated_at"]
            )
            events.subscription_changed(subscription=sub, change="resumed", actor=user)
            return None
        raise NothingToChange(fields={"plan": [NothingToChange.default_message]})
    if plan.is_free or (
        not current.is_free and plan.price_minor <= current.price_minor
    ):
        # A downgrade: the paid period runs out first.
        if current.is_free:
            raise NothingToChange(fields={"plan": [NothingToChange.default_message]})
        sub.pending_plan = plan
        sub.cancel_at_period_end = False
        sub.save(update_fields=["pending_plan", "cancel_at_period_end", "updated_at"])
        events.subscription_changed(
            subscription=sub, change="downgrade_scheduled", actor=user
        )
        return None
    if not manual and (
        not (payment_method or sub.gateway_payment_method)
        or (current.is_free and not payment_method)
    ):
        raise CardNeeded(fields={"payment_method": [CardNeeded.default_message]})
    if current.is_free:
        start, end = now, add_month(now)
        lines = [
            {"description": f"{plan.name}, one month", "amount_minor": plan.price_minor}
        ]
        kind, amount = Invoice.Kind.START, plan.price_minor
    else:
        if plan.currency != current.currency:
            raise PlanUnavailable(
                fields={"plan": ["This plan is billed in another currency."]}
            )
        start, end = now, sub.current_period_end
        amount = prorated_minor(
            difference_minor=plan.price_minor - current.price_minor,
            now=now,
            start=sub.current_period_start,
            end=sub.current_period_end,
        )
        if amount == 0:
            _switch(sub=sub, plan=plan)
            return None
        lines = [
            {
                "description": (
                    f"{current.name} to {plan.name}, {start:%d %b %Y} to "
                    f"{end:%d %b %Y} (prorated)"
                ),
                "amount_minor": amount,
            }
        ]
        kind = Invoice.Kind.UPGRADE
    return _invoice_open(
        sub=sub, kind=kind, plan=plan, start=start, end=end, lines=lines, amount=amount
    )


def subscription_cancel(*, user: User) -> Subscription:
    """Cancel at the period end: the plan stays until then; no refund."""
    with transaction.atomic():
        sub = Subscription.objects.select_for_update().filter(user=user).first()
        if sub is None or sub.status == S.CANCELED or sub.plan.is_free:
            raise NotSubscribed()
        if sub.invoices.filter(
            status=Invoice.Status.OPEN, kind=Invoice.Kind.RENEWAL
        ).exists():
            raise RenewalPending()
        if not sub.cancel_at_period_end:
            sub.cancel_at_period_end = True
            sub.pending_plan = None
            sub.save(
                update_fields=["cancel_at_period_end", "pending_plan", "updated_at"]
            )
            events.subscription_changed(
                subscription=sub, change="cancel_scheduled", actor=user
            )
    return Subscription.objects.select_related("plan", "pending_plan").get(pk=sub.pk)


# --- renewals ------------------------------------------------------------------------


def renew_due(*, now: dt.datetime | None = None) -> dict[str, int]:
    """The beat task's body: end, downgrade or renew every subscription whose
    period has ended, and move to Free those whose grace has run out.
    Idempotent: each step is decided under the row lock."""
    now = now or timezone.now()
    counts = {"renewed": 0, "failed": 0, "ended": 0, "downgraded": 0}
    due = Subscription.objects.filter(
        status=S.ACTIVE, current_period_end__lte=now
    ).values_list("pk", flat=True)
    for sub_id in list(due):
        outcome = subscription_renew(subscription_id=sub_id, now=now)
        counts[outcome] = counts.get(outcome, 0) + 1
    expired = Subscription.objects.filter(
        status=S.PAST_DUE, grace_until__lte=now
    ).values_list("pk", flat=True)
    for sub_id in list(expired):
        if subscription_grace_expire(subscription_id=sub_id, now=now):
            counts["downgraded"] += 1
    return counts


def subscription_renew(*, subscription_id: int, now: dt.datetime) -> str:
    invoice = _renewal_decide(subscription_id=subscription_id, now=now)
    if not isinstance(invoice, Invoice):
        return invoice
    sub = Subscription.objects.get(pk=subscription_id)
    try:
        _charge(
            invoice=invoice, payment_method=sub.gateway_payment_method, off_session=True
        )
    except ApplicationError as exc:
        # The receiver of payment_failed opened the grace period; a charge
        # that never reached the gateway (no card, unreachable) does it here.
        logger.info("renewal of subscription %s failed: %s", subscription_id, exc.code)
        subscription_renewal_failed(
            invoice_id=invoice.pk, now=now, failure_code=exc.code
        )
        return "failed"
    return "renewed"


@transaction.atomic
def _renewal_decide(*, subscription_id: int, now: dt.datetime) -> Invoice | str:
    sub = (
        Subscription.objects.select_for_update()
        .select_related("plan")
        .get(pk=subscription_id)
    )
    if (
        sub.status != S.ACTIVE
        or sub.current_period_end is None
        or sub.current_period_end > now
    ):
        return "skipped"
    if sub.invoices.filter(status=Invoice.Status.OPEN).exists():
        return "skipped"
    if sub.cancel_at_period_end or (sub.pending_plan_id and sub.pending_plan.is_free):
        _to_free(sub=sub, status=S.CANCELED, now=now)
        events.subscription_changed(subscription=sub, change="ended")
        return "ended"
    plan = sub.pending_plan or sub.plan
    if plan.is_free:
        _to_free(sub=sub, status=S.CANCELED, now=now)
        return "ended"
    start = sub.current_period_end
    end = add_month(start)
    try:
        with transaction.atomic():
            return _invoice_open(
                sub=sub,
                kind=Invoice.Kind.RENEWAL,
                plan=plan,
                start=start,
                end=end,
                lines=[
                    {
                        "description": (
                            f"{plan.name}, {start:%d %b %Y} to {end:%d %b %Y}"
                        ),
                        "amount_minor": plan.price_minor,
                    }
                ],
                amount=plan.price_minor,
            )
    except IntegrityError:
        return "skipped"


@transaction.atomic
def subscription_renewal_failed(
    *, invoice_id: int, now: dt.datetime | None = None, failure_code: str = ""
) -> None:
    """A renewal's payment failed: grace until the old period end + 7 days,
    the plan kept meanwhile, the provider told once. A card whose bank asks
    the payer to confirm (``authentication_required``: 3-D Secure cannot run
    off-session) is told to pay on the plan page, where the bank can ask."""
    invoice = Invoice.objects.select_related("subscription").get(pk=invoice_id)
    sub = Subscription.objects.select_for_update().get(pk=invoice.subscription_id)
    if invoice.kind != Invoice.Kind.RENEWAL or invoice.status != Invoice.Status.OPEN:
        return
    if sub.status == S.PAST_DUE:
        return
    sub.status = S.PAST_DUE
    sub.grace_until = invoice.period_start + dt.timedelta(days=GRACE_DAYS)
    sub.save(update_fields=["status", "grace_until", "updated_at"])
    if failure_code == AuthenticationRequired.code:
        title = (
            f"Your bank asks you to confirm your {sub.plan.name} renewal. Pay it "
            f"on your plan page by {sub.grace_until:%d %b %Y} to keep your plan."
        )
    else:
        title = (
            f"Your {sub.plan.name} renewal payment failed. Update your card by "
            f"{sub.grace_until:%d %b %Y} to keep your plan."
        )
    notify(
        recipient=sub.user,
        kind=Kind.SUBSCRIPTION,
        title=title,
        url=DASHBOARD_URL,
        dedupe_key=f"subscription-renewal-failed:{invoice.pk}",
    )


def subscription_pay_renewal(*, user: User, payment_method: str) -> Subscription:
    """During the grace period: pay the open renewal with a (new) card."""
    if not payment_method:
        raise CardNeeded(fields={"payment_method": [CardNeeded.default_message]})
    invoice = (
        Invoice.objects.filter(
            user=user, status=Invoice.Status.OPEN, kind=Invoice.Kind.RENEWAL
        )
        .select_related("subscription")
        .first()
    )
    if invoice is None:
        raise NothingToChange("Nothing is waiting to be paid.")
    _charge(invoice=invoice, payment_method=payment_method)
    Subscription.objects.filter(pk=invoice.subscription_id).update(
        gateway_payment_method=payment_method
    )
    return Subscription.objects.select_related("plan").get(pk=invoice.subscription_id)


@transaction.atomic
def subscription_grace_expire(*, subscription_id: int, now: dt.datetime) -> bool:
    sub = (
        Subscription.objects.select_for_update()
        .select_related("plan", "user")
        .get(pk=subscription_id)
    )
    if sub.status != S.PAST_DUE or sub.grace_until is None or sub.grace_until > now:
        return False
    old = sub.plan.name
    sub.invoices.filter(status=Invoice.Status.OPEN).update(status=Invoice.Status.VOID)
    _to_free(sub=sub, status=S.CANCELED, now=now)
    events.subscription_changed(subscription=sub, change="grace_expired")
    notify(
        recipient=sub.user,
        kind=Kind.SUBSCRIPTION,
        title=f"Your {old} plan ended: the renewal stayed unpaid. You are now on Free.",
        url=DASHBOARD_URL,
        dedupe_key=f"subscription-grace-expired:{sub.pk}:{now:%Y%m%d}",
    )
    return True


# --- settling invoices (from payments' signals) --------------------------------------


def invoice_settle_paid(*, invoice_id: int, payment: Payment) -> None:
    """Called inside payments' transaction when the invoice's payment
    succeeded (once per payment: payments sends the signal once)."""
    invoice = Invoice.objects.select_for_update().get(pk=invoice_id)
    sub = (
        Subscription.objects.select_for_update()
        .select_related("plan", "user")
        .get(pk=invoice.subscription_id)
    )
    invoice.status = Invoice.Status.PAID
    invoice.payment = payment
    invoice.paid_at = payment.succeeded_at or timezone.now()
    invoice.save(update_fields=["status", "payment", "paid_at"])
    plan = invoice.plan
    if invoice.kind == Invoice.Kind.UPGRADE:
        _switch(sub=sub, plan=plan)
    else:
        sub.plan = plan
        sub.status = S.ACTIVE
        sub.current_period_start = invoice.period_start
        sub.current_period_end = invoice.period_end
        sub.pending_plan = None
        sub.cancel_at_period_end = False
        sub.grace_until = None
        sub.canceled_at = None
        sub.save()
    events.subscription_changed(subscription=sub, change=f"paid_{invoice.kind}")
    if invoice.kind == Invoice.Kind.RENEWAL:
        # A downgrade took effect at the period end.
        _vip_follows_plan(sub=sub)
    if invoice.kind == Invoice.Kind.RENEWAL:
        notify(
            recipient=sub.user,
            kind=Kind.SUBSCRIPTION,
            title=f"Your {plan.name} plan renewed until {invoice.period_end:%d %b %Y}.",
            url=f"{DASHBOARD_URL}invoices/{invoice.number}/",
            dedupe_key=f"subscription-renewed:{invoice.pk}",
        )


def invoice_settle_failed(*, invoice_id: int, payment: Payment | None = None) -> None:
    """Inside payments' transaction: a start or upgrade whose card failed is
    void (nothing changes; a new try opens a new invoice); a failed renewal
    opens the grace period."""
    invoice = Invoice.objects.select_for_update().get(pk=invoice_id)
    if invoice.status != Invoice.Status.OPEN:
        return
    if payment is not None and invoice.payment_id is None:
        # An off-session renewal declined in its first call: link it here.
        invoice.payment = payment
        invoice.save(update_fields=["payment"])
    if invoice.kind == Invoice.Kind.RENEWAL:
        subscription_renewal_failed(
            invoice_id=invoice.pk,
            failure_code=payment.failure_code if payment is not None else "",
        )
    else:
        invoice.status = Invoice.Status.VOID
        invoice.save(update_fields=["status"])


# --- helpers -------------------------------------------------------------------


def _locked_subscription(*, user: User, gateway: str) -> Subscription:
    sub = (
        Subscription.objects.select_for_update()
        .select_related("plan")
        .filter(user=user)
        .first()
    )
    if sub is None:
        Subscription.objects.get_or_create(
            user=user, defaults={"plan": plan_free(), "gateway": gateway}
        )
        sub = (
            Subscription.objects.select_for_update()
            .select_related("plan")
            .get(user=user)
        )
    return sub


def _switch(*, sub: Subscription, plan: Plan) -> None:
    sub.plan = plan
    sub.pending_plan = None
    sub.cancel_at_period_end = False
    sub.save(
        update_fields=["plan", "pending_plan", "cancel_at_period_end", "updated_at"]
    )


def _to_free(*, sub: Subscription, status: str, now: dt.datetime) -> None:
    sub.plan = plan_free()
    sub.status = status
    sub.pending_plan = None
    sub.cancel_at_period_end = False
    sub.grace_until = None
    sub.current_period_start = sub.current_period_end = None
    sub.canceled_at = now
    sub.save()
    _vip_follows_plan(sub=sub)


def _vip_follows_plan(*, sub: Subscription) -> None:
    """In the transaction that changed the plan: a plan without the VIP badge
    clears it on the provider's profiles (directory decides and re-indexes);
    a later upgrade does not restore it (a moderator grants VIP)."""
    profiles_vip_follow_plan(
        owner=sub.user, reason=f"The {sub.plan.name} plan has no VIP badge."
    )


def _invoice_open(
    *,
    sub: Subscription,
    kind: str,
    plan: Plan,
    start: dt.datetime,
    end: dt.datetime,
    lines: list[dict],
    amount: int,
) -> Invoice:
    try:
        with transaction.atomic():
            invoice = Invoice.objects.create(
                number=f"tmp-{sub.pk}-{timezone.now().timestamp()}",
                subscription=sub,
                user_id=sub.user_id,
                kind=kind,
                plan=plan,
                period_start=start,
                period_end=end,
                lines=lines,
                amount_minor=amount,
                currency=plan.currency,
            )
    except IntegrityError as exc:
        raise ChargeInProgress() from exc
    invoice.number = f"INV-{start:%Y}-{invoice.pk:06d}"
    invoice.save(update_fields=["number"])
    return invoice


def _customer(*, subscription: Subscription) -> str:
    """The gateway customer the subscription's charges belong to, created
    once (its id stored) and reused."""
    if subscription.gateway_customer_id:
        return subscription.gateway_customer_id
    adapter = get_gateway(subscription.gateway)
    customer_id = gateway_call(
        adapter=adapter,
        kind="create_customer",
        key=f"subscription:{subscription.pk}:customer",
        payment=None,
        summary={"subscription_id": subscription.pk},
        call=lambda key: adapter.create_customer(
            email=subscription.user.email,
            metadata={"user_id": str(subscription.user_id)},
            idempotency_key=key,
        ),
    )
    Subscription.objects.filter(pk=subscription.pk, gateway_customer_id="").update(
        gateway_customer_id=customer_id
    )
    return Subscription.objects.values_list("gateway_customer_id", flat=True).get(
        pk=subscription.pk
    )


def _charge(
    *, invoice: Invoice, payment_method: str, off_session: bool = False
) -> None:
    """Start and confirm the invoice's payment (outside any transaction).
    With the payer (start, upgrade, paying a renewal in grace) the intent
    belongs to the gateway customer and saves the card for later
    (``setup_future_usage``); a renewal (``off_session``) charges the saved
    card without the payer in one create-and-confirm call. A decline fails
    the payment; payments' signal then settles the invoice. Errors before the
    gateway decided void a start/upgrade invoice."""
    if not payment_method:
        raise CardNeeded(fields={"payment_method": [CardNeeded.default_message]})
    sub = invoice.subscription
    start = {
        "payer": invoice.user,
        "amount_minor": invoice.amount_minor,
        "currency": invoice.currency,
        "purpose": Payment.Purpose.SUBSCRIPTION,
        "reference": invoice,
        "gateway": sub.gateway,
    }
    try:
        if sub.gateway == "manual":
            started = payment_start(**start)
        else:
            customer = _customer(subscription=sub)
            if off_session:
                started = payment_start(
                    **start,
                    customer=customer,
                    payment_method=payment_method,
                    off_session=True,
                )
                Invoice.objects.filter(pk=invoice.pk).update(payment=started.payment)
                return
            started = payment_start(
                **start, customer=customer, setup_future_usage="off_session"
            )
        Invoice.objects.filter(pk=invoice.pk).update(payment=started.payment)
        payment_confirm(payment=started.payment, payment_method=payment_method)
    except ApplicationError:
        if invoice.kind != Invoice.Kind.RENEWAL:
            Invoice.objects.filter(pk=invoice.pk, status=Invoice.Status.OPEN).update(
                status=Invoice.Status.VOID
            )
        raise
