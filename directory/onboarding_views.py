"""The provider's onboarding checklist as a page (/dashboard/onboarding/); the
dashboard shows the same checklist as a panel until the profile is live. Both
read ``directory.onboarding.onboarding_for``."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.models import Role
from directory.onboarding import onboarding_for


@login_required
@require_GET
def onboarding_page(request: HttpRequest) -> HttpResponse:
    """Providers only: anyone else gets 403, as from the API."""
    if request.user.role != Role.ESCORT:
        raise PermissionDenied
    context = {"onboarding": onboarding_for(user=request.user)}
    response = render(request, "directory/dashboard/onboarding.html", context)
    response["Cache-Control"] = "private, no-store"
    return response
