from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):
    """Sign-ups always create clients; other roles are granted by staff or later flows
    (provider onboarding, agency registration), never chosen by the signer."""

    def save_user(self, request: HttpRequest, user, form, commit: bool = True):  # noqa: ANN001, ANN201
        user = super().save_user(request, user, form, commit=False)
        user.role = user.Role.CLIENT
        if commit:
            user.save()
        return user
