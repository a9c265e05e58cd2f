"""The dashboard's pause and resume buttons (docs/pausing.md): plain POST forms,
so they work without JavaScript; the result comes back as a message on the
dashboard. A profile the user may not edit is a 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.exceptions import Conflict, NotFound
from directory.pausing import profile_pause, profile_resume


@login_required
@require_POST
def profile_pause_view(request: HttpRequest, profile_id: int) -> HttpResponse:
    try:
        profile = profile_pause(actor=request.user, profile_id=profile_id)
    except NotFound as error:
        raise Http404(error.message) from None
    messages.success(
        request,
        _("%(name)s is paused: clients no longer find it anywhere.")
        % {"name": profile.title},
    )
    return redirect("directory:dashboard")


@login_required
@require_POST
def profile_resume_view(request: HttpRequest, profile_id: int) -> HttpResponse:
    try:
        profile = profile_resume(actor=request.user, profile_id=profile_id)
    except NotFound as error:
        raise Http404(error.message) from None
    except Conflict as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(name)s is back: clients can find it again.") % {"name": profile.title},
        )
    return redirect("directory:dashboard")
