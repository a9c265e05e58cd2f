"""The fields sign-up asks beyond email and password (``ACCOUNT_SIGNUP_FORM_CLASS``).

allauth builds both its HTML sign-up form and its headless sign-up input
(``/_allauth/{browser,app}/v1/auth/signup``) on top of this class, so the same
fields and messages validate both: bad input is a form error on the page and
allauth's 400 in the API, and nothing is saved."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.consents import DOCUMENT_URLS
from accounts.models import SIGNUP_ROLES, Role, User

ROLE_LABELS = {
    Role.CLIENT: _("Client"),
    Role.ESCORT: _("Provider"),
    Role.AGENCY: _("Agency"),
}
ROLE_DESCRIPTIONS = {
    Role.CLIENT: _("Browse verified companions, message and book."),
    Role.ESCORT: _("Present yourself with a verified profile and take bookings."),
    Role.AGENCY: _("Manage the profiles of the companions you represent."),
}


class SignupExtraForm(forms.Form):
    role = forms.ChoiceField(
        label=_("I am joining as"),
        choices=[(role.value, ROLE_LABELS[role]) for role in SIGNUP_ROLES],
        initial=Role.CLIENT.value,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose client, provider or agency."),
            "invalid_choice": _("Choose client, provider or agency."),
        },
    )
    age_18 = forms.BooleanField(
        label=_("I am 18 or older"),
        error_messages={"required": _("You must be 18 or older to join.")},
    )
    terms = forms.BooleanField(
        label=_("I accept the Terms and the Privacy policy"),
        error_messages={
            "required": _("Please accept the Terms and the Privacy policy to join.")
        },
    )
    marketing = forms.BooleanField(
        label=_("Send me occasional news and offers by email"),
        required=False,
    )

    # The texts the terms box accepts, linked from its label.
    document_urls = DOCUMENT_URLS

    def role_options(self) -> list[tuple[object, str]]:
        """Each role's radio with its one-line description (the sign-up page's
        role cards)."""
        return [
            (radio, ROLE_DESCRIPTIONS[Role(radio.data["value"])])
            for radio in self["role"]
        ]

    def signup(self, request: HttpRequest, user: User) -> None:
        """allauth's hook after the user is saved. Nothing left to do: the account
        adapter saved the role and the consents in the user's own transaction."""
