"""Forms of the agency pages. They check shape only; the rules (formats,
powers, conflicts) are the services', whose errors the views attach."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from directory.models import AgencyInvitation


class AgencyRegisterForm(forms.Form):
    name = forms.CharField(label=_("Agency name"), max_length=120)
    registration_number = forms.CharField(
        label=_("Company registration number"),
        max_length=32,
        help_text=_("As on the company register: letters, digits, spaces, - or /."),
    )
    country = forms.CharField(label=_("Country of registration"), max_length=60)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class AgencyInviteForm(forms.Form):
    email = forms.EmailField(label=_("Email address"), max_length=254)
    role = forms.ChoiceField(
        label=_("Invite as"),
        choices=AgencyInvitation.Role.choices,
        initial=AgencyInvitation.Role.ESCORT,
    )


class AgencyConsentForm(forms.Form):
    consent = forms.BooleanField(
        label=_(
            "I agree to be listed by this agency: my profile shows that it "
            "represents me and its staff can manage my bookings and messages."
        ),
        required=True,
    )


class AgencyLeaveForm(forms.Form):
    KEEP, UNPUBLISH = "keep", "unpublish"
    profile = forms.ChoiceField(
        label=_("Your profile"),
        widget=forms.RadioSelect,
        choices=[
            (KEEP, _("Keep my profile: it leaves the agency with me and stays live")),
            (UNPUBLISH, _("Unpublish my profile")),
        ],
    )
