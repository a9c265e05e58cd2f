"""The report pages (/report/<kind>/<id>/, docs/reporting.md): a form with a
reason and details, then a page that says what happens next. Without
JavaScript; anonymous visitors may report profiles (throttled per address)."""

from __future__ import annotations

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from core.exceptions import ApplicationError, NotFound
from moderation.models import DETAILS_MAX_LENGTH, DUE_WITHIN, Report, ReportPriority
from moderation.reporting import (
    AnonymousReportThrottle,
    ReportTarget,
    SignInToReport,
    categories_for,
    report_existing,
    report_file,
    report_target_get,
)

SESSION_LAST_REPORT = "moderation_last_report"


class ReportForm(forms.Form):
    category = forms.ChoiceField(
        label=_("What is wrong?"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a reason.")},
    )
    details = forms.CharField(
        label=_("Details (optional)"),
        required=False,
        max_length=DETAILS_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Up to 2000 characters. What did you see, and where? "
            "Only our moderators read this."
        ),
    )

    def __init__(self, *args, kind: str, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [
            (c.value, c.label) for c in categories_for(kind)
        ]


@require_http_methods(["GET", "POST"])
def report_page(request: HttpRequest, kind: str, target_id: int) -> HttpResponse:
    target = _target(request, kind, target_id)
    earlier = report_existing(target=target, reporter=request.user)
    if earlier is not None:
        return _render_done(request, earlier, created=False)
    form = ReportForm(request.POST or None, kind=target.kind)
    if request.method == "GET":
        return _render_form(request, target, form)
    if not form.is_valid():
        return _render_form(request, target, form, status=400)
    if not request.user.is_authenticated and not _throttle_allows(request):
        return _render_form(request, target, form, status=429, throttled=True)
    try:
        report, created = report_file(
            target=target,
            reporter=request.user,
            session_key=_session_key(request),
            **form.cleaned_data,
        )
    except ApplicationError as error:
        for name, problems in error.fields.items():
            for problem in problems:
                form.add_error(name if name in form.fields else None, problem)
        return _render_form(request, target, form, status=error.status_code)
    request.session[SESSION_LAST_REPORT] = {"id": report.pk, "created": created}
    return redirect("moderation_report:done")


@require_GET
def report_done(request: HttpRequest) -> HttpResponse:
    """What happens next, for the report this session just filed (the id
    comes from the session, so nobody reads another's report by its number)."""
    last = request.session.get(SESSION_LAST_REPORT) or {}
    report = Report.objects.filter(pk=last.get("id") or 0).first()
    if report is None:
        raise Http404("No report.")
    return _render_done(request, report, created=bool(last.get("created")))


def _target(request: HttpRequest, kind: str, target_id: int) -> ReportTarget:
    try:
        return report_target_get(kind=kind, target_id=target_id, user=request.user)
    except SignInToReport:
        raise Http404("Sign in to report this.") from None
    except (NotFound, ApplicationError):
        raise Http404("Not found.") from None


def _throttle_allows(request: HttpRequest) -> bool:
    return AnonymousReportThrottle().allow_request(request, None)


def _session_key(request: HttpRequest) -> str:
    if request.user.is_authenticated:
        return ""
    if not request.session.session_key:
        request.session.save()  # a visitor without a session yet gets one
    return request.session.session_key or ""


def _render_form(
    request: HttpRequest,
    target: ReportTarget,
    form: ReportForm,
    *,
    status: int = 200,
    throttled: bool = False,
) -> HttpResponse:
    context = {"target": target, "form": form, "throttled": throttled}
    return _private(
        render(request, "moderation/report_form.html", context, status=status)
    )


def _render_done(
    request: HttpRequest, report: Report, *, created: bool
) -> HttpResponse:
    context = {
        "report": report,
        "created": created,
        "top_priority": report.priority == ReportPriority.TOP,
        "top_hours": int(DUE_WITHIN[ReportPriority.TOP].total_seconds() // 3600),
        "normal_days": DUE_WITHIN[ReportPriority.NORMAL].days,
    }
    return _private(render(request, "moderation/report_done.html", context))


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    return response
