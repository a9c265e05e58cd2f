"""Agency tools in HTML (docs/agency-tools.md): message templates
(/messages/templates/: list, add, edit, delete with a confirmation) and the away
auto-reply of each managed profile (/messages/away/). Plain forms; each write
goes through one service; a template or profile one may not touch is 404."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.exceptions import ApplicationError, NotFound, ValidationFailed
from core.ids import MAX_ID
from directory.models import EscortProfilePage
from messaging.away import away_profiles_for, away_reply_set
from messaging.message_templates import (
    message_template_create,
    message_template_delete,
    message_template_get,
    message_template_update,
    message_templates_for,
    template_staff_agency,
)
from messaging.models import (
    AWAY_MESSAGE_MAX,
    TEMPLATE_BODY_MAX,
    TEMPLATE_TITLE_MAX,
    AwayReply,
    MessageTemplate,
    Thread,
)

LIMITS = {
    "title_max": TEMPLATE_TITLE_MAX,
    "body_max": TEMPLATE_BODY_MAX,
    "away_max": AWAY_MESSAGE_MAX,
}


def _provider_only(request: HttpRequest) -> None:
    # Clients have no templates or away replies: the pages do not exist for them.
    if not request.user.is_provider:
        raise Http404


def _field_errors(error: ApplicationError) -> dict[str, list[str]]:
    return {name: list(problems) for name, problems in error.fields.items()}


# --- composer (used by messaging.views) -------------------------------------------


def composer_templates(request: HttpRequest, *, side: str) -> list[MessageTemplate]:
    """The "Use a template" choices: the provider side only."""
    if side != "provider":
        return []
    return list(message_templates_for(user=request.user)[:200])


def template_body_for(request: HttpRequest, thread: Thread) -> str:
    """``?template=<id>`` fills the composer (the no-script "Insert"). A
    template the user may not use fills nothing."""
    value = request.GET.get("template", "")
    if not value.isdigit() or not 0 < int(value) <= MAX_ID:
        return ""
    if thread.client_id == request.user.pk:
        return ""
    found = message_templates_for(user=request.user).filter(pk=int(value)).first()
    return found.body if found else ""


# --- templates -------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def template_list_page(request: HttpRequest) -> HttpResponse:
    """The list, with the form to add one."""
    _provider_only(request)
    values = {"title": "", "body": "", "shared": False}
    errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        values = _posted(request)
        try:
            message_template_create(actor=request.user, **values)
        except ApplicationError as error:
            errors, status = (
                _field_errors(error) or {"": [error.message]},
                error.status_code,
            )
        else:
            messages.success(request, _("Template saved."))
            return redirect("messaging_pages:templates")
    context = {
        "templates": list(message_templates_for(user=request.user)[:200]),
        "editable_agency": template_staff_agency(user=request.user),
        "values": values,
        "errors": errors,
        **LIMITS,
    }
    return render(request, "messaging/templates.html", context, status=status)


def _posted(request: HttpRequest) -> dict:
    return {
        "title": request.POST.get("title", ""),
        "body": request.POST.get("body", ""),
        "shared": request.POST.get("shared") == "yes",
    }


def _editable(request: HttpRequest, template_id: int) -> MessageTemplate:
    try:
        return message_template_get(user=request.user, template_id=template_id)
    except NotFound:
        raise Http404("Template not found.") from None


@login_required
@require_http_methods(["GET", "POST"])
def template_edit_page(request: HttpRequest, template_id: int) -> HttpResponse:
    _provider_only(request)
    template = _editable(request, template_id)
    values = {"title": template.title, "body": template.body}
    errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        values = {
            "title": request.POST.get("title", ""),
            "body": request.POST.get("body", ""),
        }
        try:
            message_template_update(
                actor=request.user, template_id=template.pk, **values
            )
        except ApplicationError as error:
            errors, status = (
                _field_errors(error) or {"": [error.message]},
                error.status_code,
            )
        else:
            messages.success(request, _("Template saved."))
            return redirect("messaging_pages:templates")
    context = {"template": template, "values": values, "errors": errors, **LIMITS}
    return render(request, "messaging/template_edit.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def template_delete_page(request: HttpRequest, template_id: int) -> HttpResponse:
    """GET asks to confirm; POST deletes."""
    _provider_only(request)
    template = _editable(request, template_id)
    if request.method == "POST":
        message_template_delete(actor=request.user, template_id=template.pk)
        messages.success(
            request, _("Template “%(title)s” deleted.") % {"title": template.title}
        )
        return redirect("messaging_pages:templates")
    return render(request, "messaging/template_delete.html", {"template": template})


# --- away replies ----------------------------------------------------------------


@dataclass
class AwayRow:
    profile: EscortProfilePage
    reply: AwayReply
    zone: str
    until_local: str  # the datetime-local value in the profile's city time
    errors: dict[str, list[str]]


@login_required
@require_http_methods(["GET", "POST"])
def away_page(request: HttpRequest) -> HttpResponse:
    """One form per profile the user is on the provider side of."""
    profiles = list(away_profiles_for(user=request.user)[:100])
    if not profiles:
        raise Http404
    failed: dict[int, tuple[AwayReply, dict]] = {}
    status = 200
    if request.method == "POST":
        outcome = _away_save(request, profiles)
        if outcome is None:
            messages.success(request, _("Away reply saved."))
            return redirect("messaging_pages:away")
        failed, status = outcome
    rows = [_away_row(profile, failed.get(profile.pk)) for profile in profiles]
    context = {"rows": rows, **LIMITS}
    return render(request, "messaging/away.html", context, status=status)


def _zone_of(profile: EscortProfilePage) -> ZoneInfo:
    return ZoneInfo(profile.home_city.time_zone if profile.home_city else "UTC")


def _away_save(
    request: HttpRequest, profiles: list[EscortProfilePage]
) -> tuple[dict, int] | None:
    value = request.POST.get("profile", "")
    profile = next((p for p in profiles if str(p.pk) == value), None)
    if profile is None:
        raise Http404("Profile not found.")
    enabled = request.POST.get("enabled") == "yes"
    message = request.POST.get("message", "")
    unsaved = AwayReply(profile=profile, enabled=enabled, message=message)
    try:
        unsaved.until = _local_until(request.POST.get("until", ""), _zone_of(profile))
        away_reply_set(
            actor=request.user,
            profile_id=profile.pk,
            enabled=enabled,
            message=message,
            until=unsaved.until,
        )
    except ApplicationError as error:
        return {profile.pk: (unsaved, _field_errors(error))}, error.status_code
    return None


def _local_until(value: str, zone: ZoneInfo) -> dt.datetime | None:
    value = value.strip()
    if not value:
        return None
    try:
        naive = dt.datetime.fromisoformat(value)
    except ValueError:
        raise ValidationFailed(
            fields={"until": [_("Give a date and time, e.g. 2026-12-24 18:00.")]}
        ) from None
    return naive.replace(tzinfo=None).replace(tzinfo=zone)


def _away_row(profile: EscortProfilePage, failed: tuple | None) -> AwayRow:
    zone = _zone_of(profile)
    if failed is not None:
        reply, errors = failed
    else:
        reply = getattr(profile, "away_reply", None) or AwayReply(profile=profile)
        errors = {}
    until = (
        reply.until.astimezone(zone).strftime("%Y-%m-%dT%H:%M") if reply.until else ""
    )
    if reply.until and reply.until <= timezone.now() and not errors:
        until = ""  # passed: the reply already stopped by itself
    return AwayRow(profile, reply, str(zone), until, errors)
