"""The close page's form: the password again, and a box that says the person
understands that the erasure cannot be undone after the grace period."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ClosureForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Enter your password to confirm.")},
    )
    confirm = forms.BooleanField(
        label=_(
            "I understand that after 7 days my account and data are erased "
            "for good, except what the law makes us keep."
        ),
        error_messages={"required": _("Tick the box to confirm.")},
    )
