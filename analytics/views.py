"""The analytics pages (HTML and CSV): /dashboard/analytics/ for a provider's
profiles, /dashboard/agency/analytics/ for an agency's. Views read the query
string through analytics.periods, pick the profiles in scope (others: 404,
docs/architecture.md invariant 8) and call one selector."""

from __future__ import annotations

import csv

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from analytics.dashboard import (
    daily_csv_rows,
    figure_charts,
    kpi_tiles,
    table_csv_rows,
)
from analytics.periods import DASHBOARD_DAYS, Period, period_parse
from analytics.selectors import (
    SORTS,
    per_profile_table,
    profile_figures,
    profiles_of_agency,
    sort_validate,
)
from core.exceptions import ApplicationError, NotFound
from core.ids import MAX_PAGE_ID
from directory.agency_selectors import agency_membership_get
from directory.models import EscortProfilePage
from directory.selectors import profiles_editable_by


def _period(request: HttpRequest) -> Period:
    return period_parse(
        days=request.GET.get("days"),
        start=request.GET.get("start"),
        end=request.GET.get("end"),
    )


def _profile_id(raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise Http404(_("Profile not found.")) from None
    if not 1 <= value <= MAX_PAGE_ID:
        raise Http404(_("Profile not found."))
    return value


def provider_scope(request: HttpRequest) -> tuple[list, EscortProfilePage | None]:
    """The profiles the user manages and the one chosen (``?profile=``): their
    own by default. A profile outside their scope is 404; a client has none."""
    profiles = profiles_editable_by(user=request.user).order_by("title")
    choices = list(profiles.only("pk", "title", "slug", "owner_id", "live"))
    if not choices and not request.user.is_provider:
        raise Http404(_("No profile here."))
    raw = request.GET.get("profile", "").strip()
    if raw:
        wanted = _profile_id(raw)
        chosen = next((p for p in choices if p.pk == wanted), None)
        if chosen is None:
            raise Http404(_("Profile not found."))
        return choices, chosen
    own = [p for p in choices if p.owner_id == request.user.pk]
    return choices, (own or choices or [None])[0]


def _figures_context(profiles, period: Period) -> dict:  # noqa: ANN001 - QuerySet
    figures = profile_figures(profiles=profiles, start=period.start, end=period.end)
    return {
        "figures": figures,
        "tiles": kpi_tiles(figures),
        "charts": figure_charts(figures),
    }


def _page(request: HttpRequest, template: str, context: dict, status: int = 200):  # noqa: ANN202
    context.setdefault("day_choices", DASHBOARD_DAYS)
    return render(request, template, context, status=status)


@login_required
@require_GET
def provider_dashboard(request: HttpRequest) -> HttpResponse:
    choices, profile = provider_scope(request)
    context = {"choices": choices, "profile": profile}
    try:
        period = _period(request)
    except ApplicationError as error:
        context["error"] = error.message
        return _page(request, "analytics/provider.html", context, status=400)
    context["period"] = period
    if profile is not None:
        scope = EscortProfilePage.objects.filter(pk=profile.pk)
        context |= _figures_context(scope, period)
    return _page(request, "analytics/provider.html", context)


def _csv_response(rows: list[list[str]], filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    csv.writer(response).writerows(rows)
    return response


def _error_response(error: ApplicationError) -> HttpResponse:
    return HttpResponse(
        error.message,
        status=error.status_code,
        content_type="text/plain; charset=utf-8",
    )


@login_required
@require_GET
def provider_export(request: HttpRequest) -> HttpResponse:
    _choices, profile = provider_scope(request)
    if profile is None:
        raise Http404(_("No profile here."))
    try:
        period = _period(request)
    except ApplicationError as error:
        return _error_response(error)
    figures = profile_figures(
        profiles=EscortProfilePage.objects.filter(pk=profile.pk),
        start=period.start,
        end=period.end,
    )
    name = f"analytics-{profile.slug}-{period.start}-{period.end}.csv"
    return _csv_response(daily_csv_rows(figures), name)


# -- agency --------------------------------------------------------------------


def _agency(request: HttpRequest):  # noqa: ANN202 - Agency
    try:
        return agency_membership_get(user=request.user).agency
    except NotFound:
        raise Http404(_("You do not belong to an agency.")) from None


# The agency table's columns: (sort key, heading).
COLUMNS = (
    ("name", gettext_lazy("Profile")),
    ("views", gettext_lazy("Views")),
    ("impressions", gettext_lazy("Shown in search")),
    ("contact_clicks", gettext_lazy("Contact clicks")),
    ("booking_requests", gettext_lazy("Requests")),
    ("acceptance", gettext_lazy("Accepted")),
    ("conversion", gettext_lazy("Views to requests")),
    ("response_minutes", gettext_lazy("First reply")),
)


def _columns(sort: str) -> list[dict]:
    """Each heading links to its sort: names A-Z first, figures highest first;
    the current column's link turns the order round."""
    columns = []
    for key, label in COLUMNS:
        first = key if key == "name" else f"-{key}"
        other = first.removeprefix("-") if first.startswith("-") else f"-{first}"
        current = sort.removeprefix("-") == key
        aria = (
            ("descending" if sort.startswith("-") else "ascending") if current else ""
        )
        link = other if sort == first else first
        columns.append({"key": key, "label": label, "sort": link, "aria": aria})
    return columns


@login_required
@require_GET
def agency_dashboard(request: HttpRequest) -> HttpResponse:
    agency = _agency(request)
    profiles = profiles_of_agency(agency_id=agency.pk)
    sort = request.GET.get("sort") or "name"
    context = {"agency": agency, "sort": sort, "sorts": list(SORTS)}
    try:
        period = _period(request)
        sort_validate(sort)
    except ApplicationError as error:
        context["error"] = error.message
        return _page(request, "analytics/agency.html", context, status=400)
    context["period"] = period
    context |= _figures_context(profiles, period)
    context["columns"] = _columns(sort)
    context["table"] = per_profile_table(
        profiles=profiles, start=period.start, end=period.end, sort=sort
    )
    return _page(request, "analytics/agency.html", context)


@login_required
@require_GET
def agency_profile(request: HttpRequest, profile_id: int) -> HttpResponse:
    """One escort's figures, for their agency only."""
    agency = _agency(request)
    profiles = profiles_of_agency(agency_id=agency.pk)
    profile = (
        profiles.filter(pk=profile_id).first() if profile_id <= MAX_PAGE_ID else None
    )
    if profile is None:
        raise Http404(_("Profile not found."))
    context = {"agency": agency, "profile": profile, "choices": [profile]}
    try:
        period = _period(request)
    except ApplicationError as error:
        context["error"] = error.message
        return _page(request, "analytics/provider.html", context, status=400)
    context["period"] = period
    scope = EscortProfilePage.objects.filter(pk=profile.pk)
    context |= _figures_context(scope, period)
    return _page(request, "analytics/provider.html", context)


@login_required
@require_GET
def agency_export(request: HttpRequest) -> HttpResponse:
    agency = _agency(request)
    try:
        period = _period(request)
        table = per_profile_table(
            profiles=profiles_of_agency(agency_id=agency.pk),
            start=period.start,
            end=period.end,
            sort=request.GET.get("sort"),
        )
    except ApplicationError as error:
        return _error_response(error)
    name = f"analytics-{agency.slug}-{period.start}-{period.end}.csv"
    return _csv_response(table_csv_rows(table), name)
