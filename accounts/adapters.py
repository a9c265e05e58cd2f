from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.http import HttpRequest
from django.urls import reverse

from accounts.consents import Document
from accounts.forms import signup_open_roles
from accounts.models import Consent
from accounts.second_factor import REMOVAL_REFUSED, second_factor_removable
from accounts.services import user_sign_up


class AccountAdapter(DefaultAccountAdapter):
    """Sign-up saves the role the person chose (client, provider or agency; never
    staff: accounts.forms.SignupExtraForm offers only SIGNUP_ROLES) and their
    consent answers with the user, in one transaction (accounts.services)."""

    def save_user(self, request: HttpRequest, user, form, commit: bool = True):  # noqa: ANN001, ANN201
        user = super().save_user(request, user, form, commit=False)
        if not commit:
            return user
        data = form.cleaned_data
        terms = bool(data.get("terms"))
        return user_sign_up(
            user=user,
            role=data.get("role", ""),
            answers={
                Document.AGE_18: bool(data.get("age_18")),
                Document.TERMS: terms,
                Document.PRIVACY: terms,  # one box accepts both documents
                Document.MARKETING: bool(data.get("marketing")),
            },
            source=_signup_source(request),
        )

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Every role paused (feature switches): allauth shows the closed page
        # (account/signup_closed.html) and its headless API answers 403.
        return bool(signup_open_roles())

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        # Providers and agencies start from their dashboard (profile, bookings);
        # an explicit ?next= still wins (allauth reads it before asking here).
        if getattr(request.user, "is_provider", False):
            return reverse("directory:dashboard")
        return super().get_login_redirect_url(request)


def _signup_source(request: HttpRequest) -> str:
    # allauth marks requests of its headless API (allauth.headless decorators).
    headless = getattr(getattr(request, "allauth", None), "headless", None)
    return Consent.Source.SIGNUP_API if headless else Consent.Source.SIGNUP_HTML


class MFAAdapter(DefaultMFAAdapter):
    """Providers and agency staff with a profile keep at least one second factor
    (accounts.second_factor)."""

    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "cannot_delete_authenticator": REMOVAL_REFUSED,
    }

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        return second_factor_removable(authenticator=authenticator)
