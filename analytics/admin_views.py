"""The business report pages of the Wagtail admin (docs/analytics-admin.md):
the report builder, its CSV and XLSX exports, saved reports and their email
subscriptions. Every view needs ``analytics.view_business_reports`` (the
Analysts group; superusers hold every permission); others get 403, as the
search report answers them. A saved report of someone else answers 404."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.models import User
from analytics.admin_forms import (
    ReportBuilderForm,
    SaveReportForm,
    SubscribeForm,
    spec_query,
)
from analytics.models import SavedReport
from analytics.report_events import report_exported_event
from analytics.report_exports import (
    CSV_TYPE,
    XLSX_TYPE,
    report_chart,
    report_csv,
    report_display_rows,
    report_filename,
    report_xlsx,
)
from analytics.report_schedule import report_subscribe, report_unsubscribe
from analytics.reports import (
    DEFAULT_DAYS,
    ReportInvalid,
    ReportResult,
    report_run,
    report_spec_parse,
    saved_report_create,
    saved_report_delete,
    saved_report_get,
    saved_report_spec,
    saved_reports_for,
)
from core.errors import error_response
from core.exceptions import NotFound

PERMISSION = "analytics.view_business_reports"
DEFAULTS = {"metric": "signups", "breakdown": "day", "days": str(DEFAULT_DAYS)}


def user_may_see_business_reports(user: User) -> bool:
    """``has_perm`` reads Django's per-request permission cache, which the
    admin menu has already filled: no query of its own."""
    return user.is_authenticated and user.is_active and user.has_perm(PERMISSION)


def _guard(request: HttpRequest) -> None:
    if not user_may_see_business_reports(request.user):
        raise PermissionDenied


def _result_context(result: ReportResult) -> dict:
    query = urlencode(spec_query(result.spec))
    return {
        "result": result,
        "chart": report_chart(result),
        "rows": report_display_rows(result),
        "csv_url": f"{reverse('business_reports:export_csv')}?{query}",
        "xlsx_url": f"{reverse('business_reports:export_xlsx')}?{query}",
        "spec_query": spec_query(result.spec),
    }


@require_GET
def report_builder(request: HttpRequest) -> HttpResponse:
    _guard(request)
    bound = "metric" in request.GET
    data = request.GET.copy() if bound else DEFAULTS.copy()
    if data.get("days"):
        # A quick range wins; dates left from an earlier custom range would
        # only suggest otherwise.
        data["start"] = data["end"] = ""
    form = ReportBuilderForm(data)
    context: dict = {
        "form": form,
        "bound": bound,
        "saved_reports": list(saved_reports_for(user=request.user)),
        "save_form": SaveReportForm(),
        "page_title": _("Business reports"),
    }
    if form.is_valid():
        context.update(_result_context(report_run(spec=form.spec)))
    status = 400 if bound and form.errors else 200
    return TemplateResponse(
        request, "analytics/admin/report_builder.html", context, status=status
    )


def _export(request: HttpRequest, *, extension: str) -> HttpResponse:
    _guard(request)
    try:
        spec = report_spec_parse(
            metric=request.GET.get("metric", ""),
            breakdown=request.GET.get("breakdown", ""),
            days=request.GET.get("days"),
            start=request.GET.get("start"),
            end=request.GET.get("end"),
        )
    except ReportInvalid as error:
        return error_response(400, error.code, error.message, error.fields)
    with transaction.atomic():
        result = report_run(spec=spec)
        report_exported_event(actor=request.user, result=result, file_format=extension)
    if extension == "csv":
        response = HttpResponse(report_csv(result), content_type=CSV_TYPE)
    else:
        response = HttpResponse(report_xlsx(result), content_type=XLSX_TYPE)
    filename = report_filename(result, extension)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
def report_export_csv(request: HttpRequest) -> HttpResponse:
    return _export(request, extension="csv")


@require_GET
def report_export_xlsx(request: HttpRequest) -> HttpResponse:
    return _export(request, extension="xlsx")


def _own(request: HttpRequest, pk: int) -> SavedReport:
    try:
        return saved_report_get(user=request.user, pk=pk)
    except NotFound:
        raise Http404 from None


@require_POST
def saved_report_save(request: HttpRequest) -> HttpResponse:
    _guard(request)
    builder = ReportBuilderForm(request.POST)
    save = SaveReportForm(request.POST)
    if not (builder.is_valid() and save.is_valid()):
        messages.error(request, _("The report could not be saved: check its name."))
        back = urlencode({k: request.POST.get(k, "") for k in builder.fields})
        return HttpResponseRedirect(f"{reverse('business_reports:index')}?{back}")
    try:
        report = saved_report_create(
            owner=request.user, name=save.cleaned_data["name"], spec=builder.spec
        )
    except ReportInvalid as error:
        messages.error(request, error.message)
        return HttpResponseRedirect(reverse("business_reports:index"))
    messages.success(request, _("Saved “%(name)s”.") % {"name": report.name})
    return HttpResponseRedirect(reverse("business_reports:saved", args=[report.pk]))


@require_GET
def saved_report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _guard(request)
    report = _own(request, pk)
    try:
        result = report_run(spec=saved_report_spec(report=report))
    except ReportInvalid as error:
        messages.error(request, error.message)
        return HttpResponseRedirect(reverse("business_reports:index"))
    subscription = next(iter(report.my_subscriptions), None)
    initial = {"frequency": subscription.frequency} if subscription else {}
    context = {
        "report": report,
        "subscription": subscription,
        "subscribe_form": SubscribeForm(initial=initial),
        "page_title": report.name,
        **_result_context(result),
    }
    return TemplateResponse(request, "analytics/admin/saved_report.html", context)


@require_POST
def saved_report_subscribe(request: HttpRequest, pk: int) -> HttpResponse:
    _guard(request)
    report = _own(request, pk)
    if request.POST.get("unsubscribe"):
        report_unsubscribe(report=report, subscriber=request.user)
        messages.success(request, _("You will no longer get this report by email."))
    else:
        form = SubscribeForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose weekly or monthly."))
            return HttpResponseRedirect(reverse("business_reports:saved", args=[pk]))
        subscription = report_subscribe(
            report=report,
            subscriber=request.user,
            frequency=form.cleaned_data["frequency"],
        )
        messages.success(
            request,
            _("Subscribed: the next email goes out on %(when)s.")
            % {
                "when": date_format(
                    timezone.localtime(subscription.next_run_at), "DATETIME_FORMAT"
                )
            },
        )
    return HttpResponseRedirect(reverse("business_reports:saved", args=[pk]))


@require_POST
def saved_report_remove(request: HttpRequest, pk: int) -> HttpResponse:
    _guard(request)
    try:
        saved_report_delete(user=request.user, pk=pk)
    except NotFound:
        raise Http404 from None
    messages.success(request, _("Saved report deleted."))
    return HttpResponseRedirect(reverse("business_reports:index"))
