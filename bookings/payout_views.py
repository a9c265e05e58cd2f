"""The "Payouts" report in the Wagtail admin (docs/deposits.md): what each
provider is owed from released deposits, a CSV of it, and "Mark paid" (reason
required, audited). Superusers only: it moves money in the ledger."""

from __future__ import annotations

import csv

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from bookings.payouts import payout_mark_paid, payouts_owed
from core.exceptions import ApplicationError
from core.formatting import format_money


class MarkPaidForm(forms.Form):
    provider = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    currency = forms.RegexField(regex=r"^[A-Z]{3}$", widget=forms.HiddenInput)
    reason = forms.CharField(
        max_length=500,
        label="How it was paid",
        help_text="E.g. bank transfer reference. Kept in the audit log.",
    )


def user_may_pay_out(user: object) -> bool:
    return bool(getattr(user, "is_superuser", False))


def _guard(request: HttpRequest) -> None:
    if not user_may_pay_out(request.user):
        raise PermissionDenied


@require_http_methods(["GET"])
def payouts(request: HttpRequest) -> HttpResponse:
    _guard(request)
    rows = [
        {
            "owed": owed,
            "amount": format_money(owed.amount_minor, owed.currency),
            "form": MarkPaidForm(
                initial={"provider": owed.provider.pk, "currency": owed.currency},
                prefix=f"p{owed.provider.pk}{owed.currency}",
            ),
        }
        for owed in payouts_owed()
    ]
    return render(request, "bookings/admin/payouts.html", {"rows": rows})


@require_http_methods(["GET"])
def payouts_csv(request: HttpRequest) -> HttpResponse:
    _guard(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="payouts-owed.csv"'
    writer = csv.writer(response)
    writer.writerow(
        ["provider_id", "email", "display_name", "amount_minor", "currency"]
    )
    for owed in payouts_owed():
        writer.writerow(
            [
                owed.provider.pk,
                owed.provider.email,
                _csv_safe(owed.provider.display_name),
                owed.amount_minor,
                owed.currency,
            ]
        )
    return response


def _csv_safe(value: str) -> str:
    """No formula injection when the sheet is opened in a spreadsheet."""
    return f"'{value}" if value[:1] in ("=", "+", "-", "@") else value


@require_POST
def payout_mark(request: HttpRequest) -> HttpResponse:
    _guard(request)
    prefix = request.POST.get("prefix", "")
    form = MarkPaidForm(request.POST, prefix=prefix[:20] or None)
    if not form.is_valid():
        messages.error(request, "Give the reason (how it was paid).")
        return redirect("bookings_payouts:index")
    try:
        payout = payout_mark_paid(
            provider_id=form.cleaned_data["provider"],
            currency=form.cleaned_data["currency"],
            reason=form.cleaned_data["reason"],
            actor=request.user,
        )
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("bookings_payouts:index")
    messages.success(
        request,
        f"Marked {format_money(payout.amount_minor, payout.currency)} as paid "
        f"to {payout.provider.email}.",
    )
    return redirect("bookings_payouts:index")
