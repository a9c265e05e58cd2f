"""The account security pages (docs/account-security.md): second factors,
open sessions and recent sign-ins, and ending sessions.

Sessions come from ``accounts.sessions`` (the one home). allauth's own
``/accounts/sessions/`` page can only end all other sessions and asks the session
store once per row; these pages end one or all others in constant queries."""

from __future__ import annotations

from allauth.usersessions import app_settings as usersessions_settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from accounts.security import security_summary_for
from accounts.sessions import (
    user_session_end,
    user_session_list_for,
    user_sessions_end_others,
)
from core.exceptions import NotFound

RECENT_SIGN_INS = 10


@login_required
@require_GET
def security_overview(request: HttpRequest) -> HttpResponse:
    summary = security_summary_for(
        user=request.user,
        current_key=request.session.session_key,
        recent=RECENT_SIGN_INS,
    )
    return render(request, "accounts/security/overview.html", {"summary": summary})


@login_required
@require_GET
def session_list(request: HttpRequest) -> HttpResponse:
    sessions = user_session_list_for(user=request.user)
    context = {
        "sessions": sessions,
        "current_key": request.session.session_key,
        # Off here (settings): tracking writes a row on every request, and
        # without it the last-seen time is only the sign-in time.
        "track_activity": usersessions_settings.TRACK_ACTIVITY,
    }
    return render(request, "accounts/security/sessions.html", context)


@login_required
@require_POST
def session_end(request: HttpRequest, session_id: int) -> HttpResponse:
    try:
        user_session_end(user=request.user, session_id=session_id)
    except NotFound as error:
        raise Http404(str(error)) from error
    messages.success(request, _("That device is signed out."))
    return redirect("accounts_security:sessions")


@login_required
@require_POST
def sessions_end_others(request: HttpRequest) -> HttpResponse:
    ended = user_sessions_end_others(
        user=request.user, keep_session_key=request.session.session_key
    )
    message = ngettext(
        "%(count)d other session is signed out.",
        "%(count)d other sessions are signed out.",
        ended,
    ) % {"count": ended}
    messages.success(request, message)
    return redirect("accounts_security:sessions")
