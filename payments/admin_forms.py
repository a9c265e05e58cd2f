"""Forms of the payments admin: a refund, an offline payment, the resolution
of a reconciliation difference. Amounts are typed in major units (12.50) and
stored in minor units (core.formatting, invariant 7)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from payments.models import Payment

MAX_AMOUNT = Decimal("10000000")


class RefundForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount to refund"),
        min_value=Decimal("0.01"),
        max_value=MAX_AMOUNT,
        max_digits=12,
        decimal_places=2,
        help_text=_("Filled in with what can still be refunded."),
    )
    reason = forms.CharField(
        label=_("Reason (required; kept in the audit log)"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Say why the money goes back."))
        return reason


class ResolveForm(forms.Form):
    reason = forms.CharField(
        label=_("How was it resolved? (required; kept in the audit log)"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Say how the difference was resolved."))
        return reason


class ManualPaymentForm(forms.Form):
    payer_email = forms.EmailField(label=_("Payer's email (an existing account)"))
    amount = forms.DecimalField(
        label=_("Amount received"),
        min_value=Decimal("0.01"),
        max_value=MAX_AMOUNT,
        max_digits=12,
        decimal_places=2,
    )
    currency = forms.RegexField(
        label=_("Currency (ISO code)"),
        regex=r"^[A-Za-z]{3}$",
        initial="EUR",
        max_length=3,
        error_messages={"invalid": _("A three-letter ISO code, e.g. EUR.")},
    )
    purpose = forms.ChoiceField(label=_("Purpose"), choices=Payment.Purpose.choices)
    reference = forms.CharField(
        label=_("Reference (e.g. the bank transfer's reference)"), max_length=64
    )
    note = forms.CharField(
        label=_("Note (required; kept in the audit log)"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_currency(self) -> str:
        return self.cleaned_data["currency"].upper()

    def clean_payer_email(self) -> User:
        email = self.cleaned_data["payer_email"]
        payer = User.objects.filter(email__iexact=email).first()
        if payer is None:
            raise forms.ValidationError(_("No account has this email."))
        return payer
