"""The provider's subscription pages: /dashboard/subscription/ (plan, usage vs
limits, plans to pick, cancel, invoices) and printable invoices (the owner's
only: anyone else gets 404). Card entry uses the gateway's Stripe.js
(static/js/subscription.js): only a payment method id reaches us."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from accounts.models import Role
from core.exceptions import ApplicationError, NotFound
from core.formatting import format_money
from payments.browser import stripe_csp_update, stripe_js_url
from subscriptions.apis import subscription_state
from subscriptions.models import Subscription
from subscriptions.selectors import invoice_for_owner, plans_public
from subscriptions.services import (
    subscription_cancel,
    subscription_change,
    subscription_pay_renewal,
)

PAYMENT_METHOD_MAX = 255


def _provider_or_404(request: HttpRequest) -> None:
    if request.user.role != Role.ESCORT:
        raise Http404("Plans are for provider accounts.")


@login_required
@require_GET
def subscription_page(request: HttpRequest) -> HttpResponse:
    _provider_or_404(request)
    state = subscription_state(request.user)
    current = state["plan"]
    has_card = (
        Subscription.objects.filter(
            user=request.user, status__in=("active", "past_due")
        )
        .exclude(gateway_payment_method="")
        .exists()
    )
    plans = []
    for plan in plans_public():
        if plan.pk == current.pk:
            action = (
                "resume"
                if state["pending_plan"] or state["cancel_at_period_end"]
                else ""
            )
        elif plan.is_free or (
            not current.is_free and plan.price_minor <= current.price_minor
        ):
            action = "downgrade"
        else:
            action = "upgrade" if not current.is_free else "start"
        plans.append(
            {
                "plan": plan,
                "price": format_money(plan.price_minor, plan.currency),
                "action": action,
                "needs_card": action == "start"
                or (action == "upgrade" and not has_card),
            }
        )
    card_needed = any(p["needs_card"] for p in plans) or state["status"] == "past_due"
    context = {
        **state,
        "plans": plans,
        "price": format_money(current.price_minor, current.currency),
        "stripe_js_url": stripe_js_url(),
        "publishable_key": settings.STRIPE_PUBLISHABLE_KEY,
        "card_needed": card_needed and bool(settings.STRIPE_PUBLISHABLE_KEY),
    }
    response = render(request, "subscriptions/dashboard.html", context)
    if context["card_needed"]:
        response._csp_update = stripe_csp_update()
    return response


def _payment_method(request: HttpRequest) -> str:
    value = request.POST.get("payment_method", "")
    return value if 0 < len(value) <= PAYMENT_METHOD_MAX else ""


@login_required
@require_POST
def subscription_change_view(request: HttpRequest) -> HttpResponse:
    _provider_or_404(request)
    plan = plans_public().filter(slug=request.POST.get("plan", "")[:40]).first()
    if plan is None:
        messages.error(request, "Pick one of the plans below.")
        return redirect("subscriptions:dashboard")
    try:
        sub = subscription_change(
            user=request.user, plan=plan, payment_method=_payment_method(request)
        )
    except ApplicationError as error:
        messages.error(request, _message(error))
    else:
        if sub.pending_plan_id:
            messages.success(
                request,
                f"You move to {sub.pending_plan.name} on "
                f"{sub.current_period_end:%d %b %Y}; {sub.plan.name} stays until then.",
            )
        else:
            messages.success(request, f"You are on the {sub.plan.name} plan.")
    return redirect("subscriptions:dashboard")


@login_required
@require_POST
def subscription_cancel_view(request: HttpRequest) -> HttpResponse:
    _provider_or_404(request)
    try:
        sub = subscription_cancel(user=request.user)
    except ApplicationError as error:
        messages.error(request, _message(error))
    else:
        messages.success(
            request,
            f"Cancelled: {sub.plan.name} stays until "
            f"{sub.current_period_end:%d %b %Y}, then you are on Free.",
        )
    return redirect("subscriptions:dashboard")


@login_required
@require_POST
def subscription_pay_view(request: HttpRequest) -> HttpResponse:
    _provider_or_404(request)
    try:
        sub = subscription_pay_renewal(
            user=request.user, payment_method=_payment_method(request)
        )
    except ApplicationError as error:
        messages.error(request, _message(error))
    else:
        messages.success(request, f"Paid: your {sub.plan.name} plan continues.")
    return redirect("subscriptions:dashboard")


@login_required
@require_GET
def invoice_page(request: HttpRequest, number: str) -> HttpResponse:
    try:
        invoice = invoice_for_owner(user=request.user, number=number[:32])
    except NotFound:
        raise Http404("No such invoice.") from None
    return render(
        request,
        "subscriptions/invoice.html",
        {
            "invoice": invoice,
            "amount": format_money(invoice.amount_minor, invoice.currency),
        },
    )


def _message(error: ApplicationError) -> str:
    details = [str(p) for problems in error.fields.values() for p in problems]
    text = error.message
    if details and details[0] != text:
        text = f"{text} {details[0]}"
    return text
