"""/dashboard/agency/activity/: the staff activity page and its CSV, for the
agency's owners and managers (anyone else 404; a period other than 7, 30 or
90 days 400)."""

from __future__ import annotations

import csv
import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from analytics.staff_activity import (
    PERIODS,
    StaffRow,
    period_days,
    staff_activity,
    staff_agency_get,
)
from core.exceptions import NotFound, ValidationFailed
from directory.models import Agency


def _agency(request: HttpRequest) -> Agency:
    try:
        return staff_agency_get(user=request.user)
    except NotFound:
        raise Http404 from None


@login_required
@require_GET
def staff_activity_page(request: HttpRequest) -> HttpResponse:
    agency = _agency(request)
    try:
        days = period_days(request.GET.get("days"))
    except ValidationFailed as error:
        context = {"agency": agency, "periods": PERIODS, "days": 30, "rows": []}
        context["error"] = error.fields["days"][0]
        return render(request, "analytics/staff_activity.html", context, status=400)
    rows = staff_activity(agency=agency, days=days)
    context = {"agency": agency, "periods": PERIODS, "days": days, "rows": rows}
    response = render(request, "analytics/staff_activity.html", context)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def staff_activity_csv(request: HttpRequest) -> HttpResponse:
    agency = _agency(request)
    try:
        days = period_days(request.GET.get("days"))
    except ValidationFailed as error:
        return HttpResponse(
            error.fields["days"][0], status=400, content_type="text/plain"
        )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="staff-activity-{days}-days.csv"'
    )
    response["Cache-Control"] = "private, no-store"
    writer = csv.writer(response)
    writer.writerow(_header())
    for row in staff_activity(agency=agency, days=days):
        writer.writerow(_csv_row(row))
    return response


def _header() -> list[str]:
    return [
        _("Staff member"),
        _("Role"),
        _("Accepted"),
        _("Declined"),
        _("Cancelled"),
        _("Assignments taken"),
        _("Assignments handled"),
        _("Messages sent"),
        _("Median first reply (minutes)"),
    ]


def _minutes(value: dt.timedelta | None) -> str:
    return "" if value is None else str(round(value.total_seconds() / 60))


def _csv_row(row: StaffRow) -> list:
    # A leading = + - @ would make a spreadsheet run the name as a formula.
    name = row.user.get_full_name()
    if name[:1] in ("=", "+", "-", "@"):
        name = "'" + name
    return [
        name,
        row.role,
        row.accepted,
        row.declined,
        row.cancelled,
        row.assignments_taken,
        row.assignments_handled,
        row.messages_sent,
        _minutes(row.median_first_reply),
    ]
