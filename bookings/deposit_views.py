"""Paying a deposit (docs/deposits.md): the pay page with the Stripe.js card
form, the JSON endpoint its script posts the browser-made payment method to,
and the return page that asks the gateway how the payment stands. Plus the
client's payment history at /dashboard/payments/.

Card data never reaches us: Stripe.js (localstripe's in dev and tests) turns
the card into a payment method at the gateway; we see only its id."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from bookings.deposits import (
    deposit_booking_for_client,
    deposit_confirm,
    deposit_payment_of,
    deposit_start,
    deposit_sync,
)
from bookings.models import Booking
from bookings.selectors import policy_for
from core.errors import error_response
from core.exceptions import ApplicationError, NotFound
from core.formatting import format_money
from payments.browser import stripe_csp_update, stripe_js_url
from payments.exceptions import GatewayUnreachable
from payments.models import Payment
from payments.selectors import payments_of

PAYMENT_METHOD_MAX = 255
HISTORY_LIMIT = 100


def _booking(request: HttpRequest, booking_id: int) -> Booking:
    try:
        return deposit_booking_for_client(user=request.user, booking_id=booking_id)
    except NotFound:
        raise Http404("Booking not found.") from None


@login_required
@require_GET
def deposit_pay(request: HttpRequest, booking_id: int) -> HttpResponse:
    booking = _booking(request, booking_id)
    context = _context(booking)
    status = 200
    if booking.status == Booking.Status.DEPOSIT_DUE:
        try:
            deposit_start(booking_id=booking.pk, actor=request.user)
            context["can_pay"] = True
        except GatewayUnreachable as error:
            context["error"], status = error.message, 503
        except ApplicationError as error:
            context["error"] = error.message
    response = render(request, "bookings/deposit_pay.html", context, status=status)
    if context.get("can_pay"):
        response._csp_update = stripe_csp_update()
    return response


def _context(booking: Booking) -> dict:
    policy = policy_for(profile=booking.profile)
    return {
        "booking": booking,
        "amount": format_money(booking.deposit_minor, booking.currency),
        "price": format_money(booking.price_minor, booking.currency),
        "window_hours": policy.cancellation_window_hours,
        "payment": deposit_payment_of(booking=booking),
        "stripe_js_url": stripe_js_url(),
        "publishable_key": settings.STRIPE_PUBLISHABLE_KEY,
        "confirm_url": reverse("deposits:confirm", args=[booking.pk]),
        "return_url": reverse("deposits:return", args=[booking.pk]),
        "can_pay": False,
        "error": "",
    }


@login_required
@require_POST
def deposit_confirm_json(request: HttpRequest, booking_id: int) -> JsonResponse:
    """The pay page's script posts {"payment_method": "pm_..."} here. Answers
    the payment's status (and the client secret when the bank asks the payer
    to authenticate), or the one error shape."""
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        body = None
    method = body.get("payment_method") if isinstance(body, dict) else None
    if not isinstance(method, str) or not 0 < len(method) <= PAYMENT_METHOD_MAX:
        return error_response(
            400,
            "validation_failed",
            "Enter the card details again.",
            {"payment_method": ["A payment method id."]},
        )
    try:
        payment = deposit_confirm(
            booking_id=booking_id, actor=request.user, payment_method=method
        )
    except ApplicationError as error:
        return error_response(error.status_code, error.code, error.message)
    client_secret = ""
    if payment.status == Payment.Status.REQUIRES_ACTION:
        client_secret = deposit_start(
            booking_id=booking_id, actor=request.user
        ).client_secret
    return JsonResponse(
        {
            "status": payment.status,
            "client_secret": client_secret,
            "return_url": reverse("deposits:return", args=[booking_id]),
        }
    )


@login_required
@require_GET
def deposit_return(request: HttpRequest, booking_id: int) -> HttpResponse:
    booking = _booking(request, booking_id)
    context = _context(booking)
    status = 200
    try:
        payment = deposit_sync(booking_id=booking.pk, actor=request.user)
    except GatewayUnreachable as error:
        payment, status = deposit_payment_of(booking=booking), 503
        context["error"] = error.message
    booking.refresh_from_db()
    context.update(booking=booking, payment=payment, outcome=_outcome(payment))
    return render(request, "bookings/deposit_result.html", context, status=status)


def _outcome(payment: Payment | None) -> str:
    if payment is None:
        return "none"
    if payment.status in Payment.PAID_STATUSES:
        return "paid"
    if payment.status == Payment.Status.FAILED:
        return "failed"
    if payment.status == Payment.Status.REQUIRES_ACTION:
        return "action"
    return "pending"


@login_required
@require_GET
def payments_history(request: HttpRequest) -> HttpResponse:
    payments = list(payments_of(user=request.user)[:HISTORY_LIMIT])
    booking_ids = [
        int(p.reference_id)
        for p in payments
        if p.reference_type == "bookings.booking" and p.reference_id.isdigit()
    ]
    bookings = Booking.objects.select_related("profile").in_bulk(booking_ids)
    rows = [
        {
            "payment": p,
            "amount": format_money(p.amount_minor, p.currency),
            "refunded": format_money(p.amount_refunded_minor, p.currency)
            if p.amount_refunded_minor
            else "",
            "booking": bookings.get(int(p.reference_id))
            if p.reference_id.isdigit()
            else None,
        }
        for p in payments
    ]
    return render(request, "bookings/deposit_payments.html", {"rows": rows})
