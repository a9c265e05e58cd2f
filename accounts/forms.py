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
from core.switches import switch_enabled

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

# The feature switch that opens sign-up for each role (core.switches).
ROLE_SWITCHES = {
    Role.CLIENT: "signup_client",
    Role.ESCORT: "signup_provider",
    Role.AGENCY: "signup_agency",
}


def signup_open_roles() -> list[Role]:
    """The roles new accounts may take now (the one home of that rule: the
    sign-up page, its form, the headless API and the adapter ask here)."""
    return [role for role in SIGNUP_ROLES if switch_enabled(ROLE_SWITCHES[role])]


def signup_paused_message(role: Role) -> str:
    return _("New %(role)s accounts are paused.") % {
        "role": str(ROLE_LABELS[role]).lower()
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

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        # Paused roles stay valid choices so that choosing one (an old page, the
        # API) is told why, not "invalid choice"; the page does not offer them.
        self.open_roles = signup_open_roles()
        if self.open_roles and Role.CLIENT not in self.open_roles:
            self.fields["role"].initial = self.open_roles[0].value

    def role_options(self) -> list[tuple[object, str]]:
        """Each open role's radio with its one-line description (the sign-up
        page's role cards)."""
        return [
            (radio, ROLE_DESCRIPTIONS[Role(radio.data["value"])])
            for radio in self["role"]
            if Role(radio.data["value"]) in self.open_roles
        ]

    def paused_roles(self) -> list[str]:
        """What the page says about the roles it does not offer."""
        return [
            signup_paused_message(role)
            for role in SIGNUP_ROLES
            if role not in self.open_roles
        ]

    def clean_role(self) -> str:
        role = Role(self.cleaned_data["role"])
        if role not in self.open_roles:
            raise forms.ValidationError(
                signup_paused_message(role), code="signup_paused"
            )
        return role.value

    def signup(self, request: HttpRequest, user: User) -> None:
        """allauth's hook after the user is saved. Nothing left to do: the account
        adapter saved the role and the consents in the user's own transaction."""
