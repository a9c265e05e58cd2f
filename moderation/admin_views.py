"""The moderators' pages in the Wagtail admin (docs/moderation-admin.md).

Reports: the queue's filters and columns, and the inspect page — the report,
the decrypted evidence, the earlier reports against the same target and the
same person, "Assign to me" and one form per action (dismiss, remove the
content, unpublish the profile, suspend, ban), each with a required reason.
Appeals: the pending ones by due time, and an appeal's page where a moderator
other than the original one confirms or reverses. Sanctions: the suspensions
and bans in force, each with a "Lift" form.

Seeing any of it takes ``moderation.view_report``; acting takes
``moderation.change_report`` (both granted to the Moderators group by
migrations; superusers have every permission). Every write goes through the
audited decision services of ``moderation.decisions``, which check again."""

from __future__ import annotations

from functools import wraps
from typing import Any

import django_filters
from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import Q, QuerySet
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.timesince import timesince, timeuntil
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import InspectView

from accounts.models import User
from core.exceptions import ApplicationError
from core.ids import MAX_ID
from moderation import decisions
from moderation.admin_forms import (
    REPORT_ACTIONS,
    AppealDecisionForm,
    LiftForm,
    ReportDecisionForm,
)
from moderation.decision_selectors import (
    appeal_queue,
    sanction_active_for,
    sanctions_list,
)
from moderation.models import Appeal, DecisionAction, Report, Sanction
from moderation.queue_selectors import report_history
from moderation.selectors import report_evidence, report_queue
from moderation.trust import trust_context

VIEW_PERMISSION = "moderation.view_report"
ACT_PERMISSION = "moderation.change_report"
REPORTS_INDEX = "reports:index"
A = DecisionAction
PAGE_SIZE = 50


def user_may_view(user: User) -> bool:
    return user.is_active and user.has_perm(VIEW_PERMISSION)


def user_may_act(user: User) -> bool:
    return user.is_active and user.has_perm(ACT_PERMISSION)


def _bounded(pk: int) -> int:
    # A number no row can have would overflow the query parameter: a 404.
    return pk if 0 < pk <= MAX_ID else 0


# --- The queue ---------------------------------------------------------------


class ReportFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("Status"), choices=Report.Status.choices
    )
    category = django_filters.MultipleChoiceFilter(
        label=gettext_lazy("Category"), choices=Report.Category.choices
    )
    priority = django_filters.ChoiceFilter(
        label=gettext_lazy("Priority"), choices=Report.Priority.choices
    )
    assigned = django_filters.ChoiceFilter(
        label=gettext_lazy("Assigned"),
        choices=[
            ("me", gettext_lazy("To me")),
            ("nobody", gettext_lazy("To nobody")),
            ("anyone", gettext_lazy("To anyone")),
        ],
        method="filter_assigned",
    )
    overdue = django_filters.BooleanFilter(
        label=gettext_lazy("Overdue"), method="filter_overdue"
    )
    automated = django_filters.BooleanFilter(label=gettext_lazy("Filed by a check"))

    class Meta:
        model = Report
        fields = ["status", "category", "priority", "automated"]

    def filter_assigned(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == "me":
            user = getattr(self.request, "user", None)
            return queryset.filter(assigned_to_id=getattr(user, "pk", None))
        if value == "nobody":
            return queryset.filter(assigned_to__isnull=True)
        return queryset.filter(assigned_to__isnull=False)

    def filter_overdue(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        overdue = Q(status=Report.Status.OPEN, due_at__lt=timezone.now())
        return queryset.filter(overdue if value else ~overdue)


def target_label(report: Report) -> str:
    return f"{report.target_content_type.name} #{report.target_id}"


def reporter_label(report: Report) -> str:
    if report.automated:
        return _("An automated check")
    if report.reporter_id is None:
        # Visitors' reports carry a dedupe key; an erased reporter leaves none.
        if report.dedupe_key:
            return _("A visitor (not signed in)")
        return _("(erased account)")
    return report.reporter.email


def subject_label(report: Report) -> str:
    return report.subject_user.email if report.subject_user else "—"


def is_overdue(report: Report) -> bool:
    return report.status == Report.Status.OPEN and report.due_at < timezone.now()


def due_label(report: Report) -> str:
    if report.status != Report.Status.OPEN:
        return _("Closed")
    now = timezone.now()
    if report.due_at < now:
        return _("Overdue by %(time)s") % {"time": timesince(report.due_at, now)}
    return _("Due in %(time)s") % {"time": timeuntil(report.due_at, now)}


def priority_label(report: Report) -> str:
    return report.priority_label


def assigned_label(report: Report) -> str:
    return report.assigned_to.email if report.assigned_to else "—"


class DueColumn(Column):
    """'Due in …' or 'Overdue by …', the overdue ones marked for the eye (bold,
    with a warning sign) and for screen readers (the words say it)."""

    def get_value(self, instance: Report) -> SafeString:
        label = due_label(instance)
        if is_overdue(instance):
            return format_html(
                '<strong class="moderation-overdue" data-overdue="1">⚠ {}</strong>',
                label,
            )
        return format_html("{}", label)


LIST_COLUMNS = [
    "id",
    Column("priority", label=gettext_lazy("Priority"), accessor=priority_label),
    "category",
    DueColumn("due_at", label=gettext_lazy("Due"), sort_key="due_at"),
    Column("target", label=gettext_lazy("Reported"), accessor=target_label),
    Column("subject", label=gettext_lazy("About"), accessor=subject_label),
    Column("assigned_to", label=gettext_lazy("Assigned to"), accessor=assigned_label),
    "status",
    Column("created_at", label=gettext_lazy("Filed"), sort_key="created_at"),
]


# --- A report's page ---------------------------------------------------------


def actions_for(report: Report) -> list[str]:
    """The actions that make sense for what was reported: a profile can be
    unpublished, other content removed; a person can be suspended or banned."""
    if report.status != Report.Status.OPEN:
        return []
    model = report.target_content_type.model
    actions = [A.DISMISS]
    if model == "escortprofilepage":
        actions.append(A.UNPUBLISH_PROFILE)
    elif model not in ("user", "safetymessage"):
        actions.append(A.REMOVE_CONTENT)
    if report.subject_user_id or model == "user":
        actions += [A.SUSPEND, A.BAN]
    return [action for action in REPORT_ACTIONS if action in actions]


def _add_errors(form: Form, error: ApplicationError) -> None:
    """A service's refusal on the form it came from, in the admin's style: on
    the fields it names, else its message above the form."""
    added = False
    for name, problems in error.fields.items():
        if name in form.fields:
            for problem in problems:
                form.add_error(name, str(problem))
                added = True
    if not added:
        form.add_error(None, error.message)


class ReportInspectView(InspectView):
    """GET: the report with its context and the action forms. POST: "assign to
    me" or one action; a refused or incomplete action shows the page again
    with the form's errors (400/403/409) and changes nothing."""

    template_name = "moderation/admin/report_inspect.html"

    def get_object(self, queryset: QuerySet | None = None) -> Report:
        return get_object_or_404(report_queue(), pk=_bounded(int(self.pk)))

    def get_fields(self) -> list[str]:
        return [*super().get_fields(), "evidence"]

    def get_field_label(self, field_name: str, field: object) -> str:
        labels = {
            "evidence": _("Evidence (as reported)"),
            "due_at": _("Due"),
            "subject_user": _("About"),
        }
        labels["created_at"] = _("Filed")
        if field_name in labels:
            return labels[field_name]
        return super().get_field_label(field_name, field)

    def get_priority_display_value(self) -> str:
        return self.object.priority_label

    def get_due_at_display_value(self) -> SafeString:
        return DueColumn("due").get_value(self.object)

    def get_reporter_display_value(self) -> str:
        return reporter_label(self.object)

    def get_subject_user_display_value(self) -> str:
        return subject_label(self.object)

    def get_assigned_to_display_value(self) -> str:
        return assigned_label(self.object)

    def get_target_display_value(self) -> str:
        # The inspect page names what was reported (one query); the queue's
        # rows keep to type and id.
        target = self.object.target
        label = target_label(self.object)
        if target is None:
            return _("%s (no longer exists)") % label
        return f"{label}: {target}"

    def get_automated_display_value(self) -> str:
        return (
            _("Yes: filed by an automated check") if self.object.automated else _("No")
        )

    def get_evidence_display_value(self) -> SafeString:
        evidence = report_evidence(report=self.object, viewer=self.request.user)
        rows = format_html_join(
            "",
            "<dt>{}</dt><dd>{}</dd>",
            ((key, _evidence_value(value)) for key, value in evidence.items()),
        )
        return format_html("<dl>{}</dl>", rows)

    def get_context_data(self, **kwargs: Any) -> dict:
        bound = kwargs.pop("bound_form", None)
        context = super().get_context_data(**kwargs)
        report = self.object
        may_act = user_may_act(self.request.user)
        forms = []
        if may_act:
            for action in actions_for(report):
                if bound is not None and bound.action == action:
                    forms.append(bound)
                else:
                    forms.append(ReportDecisionForm(action=action))
        context |= {
            "report": report,
            "may_act": may_act,
            "assigned_to_me": report.assigned_to_id == self.request.user.pk,
            "action_forms": forms,
            "history": report_history(report=report),
            "sanction": (
                sanction_active_for(user=report.subject_user)
                if report.subject_user
                else None
            ),
            "decisions_taken": list(report.decisions.select_related("actor")),
        }
        if report.subject_user:
            # Moderators only (this view): never on a public page or API.
            context |= trust_context(user=report.subject_user)
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not user_may_act(request.user):
            raise DjangoPermissionDenied
        report = self.object
        back = reverse("reports:inspect", args=[report.pk])
        operation = request.POST.get("op", "")
        if operation == "assign":
            try:
                decisions.report_assign(report=report, moderator=request.user)
            except ApplicationError as error:
                messages.error(request, error.message)
            else:
                messages.success(
                    request, _("Report %s is assigned to you.") % report.pk
                )
            return redirect(back)
        if operation not in actions_for(report):
            messages.error(request, _("That action is not available for this report."))
            return redirect(back)
        form = ReportDecisionForm(request.POST, action=operation)
        status = 400
        if form.is_valid():
            try:
                self._take(form)
            except ApplicationError as error:
                _add_errors(form, error)
                status = error.status_code
            else:
                messages.success(
                    request,
                    _("Report %(id)s: %(action)s. The report is closed.")
                    % {"id": report.pk, "action": form.label.lower()},
                )
                return redirect(REPORTS_INDEX)
        self.object = self.get_object()
        context = self.get_context_data(bound_form=form)
        return self.render_to_response(context, status=status)

    def _take(self, form: ReportDecisionForm) -> None:
        data = form.cleaned_data
        decisions.decision_take(
            actor=self.request.user,
            report=self.object,
            action=form.action,
            reason_code=data["reason_code"],
            note=data["note"],
            suspend_until=data.get("suspend_until"),
        )


def _evidence_value(value: object) -> SafeString:
    # Whatever the reported person typed, escaped; their line breaks kept.
    return linebreaksbr("" if value is None else str(value), autoescape=True)


# --- Appeals and sanctions ---------------------------------------------------


def moderators_only(view):  # noqa: ANN001, ANN201
    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:  # noqa: ANN401
        if not user_may_view(request.user):
            raise DjangoPermissionDenied
        if request.method == "POST" and not user_may_act(request.user):
            raise DjangoPermissionDenied
        return view(request, *args, **kwargs)

    return guarded


@moderators_only
def appeal_list(request: HttpRequest) -> HttpResponse:
    pending = request.GET.get("show") != "decided"
    if pending:
        appeals = appeal_queue()
    else:
        appeals = (
            appeal_queue(status="")
            .exclude(status=Appeal.Status.PENDING)
            .order_by("-decided_at", "-id")
        )
    appeals = list(appeals[:PAGE_SIZE])
    now = timezone.now()
    context = {"appeals": appeals, "pending": pending, "now": now}
    return render(request, "moderation/admin/appeal_list.html", context)


@moderators_only
def appeal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    appeal = get_object_or_404(_appeals(), pk=_bounded(pk))
    is_original = appeal.original_actor_id == request.user.pk
    form = AppealDecisionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        operation = request.POST.get("op", "")
        if operation == "assign":
            try:
                decisions.appeal_assign(appeal=appeal, moderator=request.user)
            except ApplicationError as error:
                messages.error(request, error.message)
            else:
                messages.success(
                    request, _("Appeal %s is assigned to you.") % appeal.pk
                )
            return redirect("moderation_appeals:detail", pk=appeal.pk)
        status = 400
        if form.is_valid():
            try:
                decisions.appeal_decide(
                    actor=request.user,
                    appeal=appeal,
                    reverse=form.cleaned_data["outcome"] == "reverse",
                    response=form.cleaned_data["response"],
                )
            except ApplicationError as error:
                _add_errors(form, error)
                status = error.status_code
            else:
                outcome = form.cleaned_data["outcome"]
                messages.success(
                    request,
                    _("Appeal %(id)s: decision %(outcome)s. The user was told.")
                    % {
                        "id": appeal.pk,
                        "outcome": _("reversed")
                        if outcome == "reverse"
                        else _("confirmed"),
                    },
                )
                return redirect("moderation_appeals:list")
        appeal = get_object_or_404(_appeals(), pk=appeal.pk)
    statement = appeal.statement
    context = {
        "appeal": appeal,
        "statement": statement,
        "decision": statement.decision,
        "form": form,
        "is_original": is_original,
        "may_act": user_may_act(request.user)
        and not is_original
        and appeal.status == Appeal.Status.PENDING,
    }
    return render(
        request, "moderation/admin/appeal_detail.html", context, status=status
    )


def _appeals() -> QuerySet[Appeal]:
    return Appeal.objects.select_related(
        "appellant",
        "assigned_to",
        "original_actor",
        "decided_by",
        "statement__decision__actor",
        "statement__decision__report",
    )


@moderators_only
def sanction_list(request: HttpRequest) -> HttpResponse:
    context = {
        "sanctions": list(sanctions_list(active_only=True)[:PAGE_SIZE]),
        "now": timezone.now(),
    }
    return render(request, "moderation/admin/sanction_list.html", context)


@moderators_only
def sanction_detail(request: HttpRequest, pk: int) -> HttpResponse:
    sanction = get_object_or_404(
        Sanction.objects.select_related("user", "decision__actor", "lifted_by"),
        pk=_bounded(pk),
    )
    form = LiftForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if sanction.lifted_at is not None:
            form.is_valid()
            form.add_error(None, _("This sanction was already lifted."))
            status = 409
        elif form.is_valid():
            try:
                decisions.sanction_lift(
                    actor=request.user,
                    sanction=sanction,
                    reason_code=form.cleaned_data["reason_code"],
                    note=form.cleaned_data["note"],
                )
            except ApplicationError as error:
                _add_errors(form, error)
                status = error.status_code
            else:
                messages.success(
                    request,
                    _("Lifted the %(kind)s of %(user)s. What it took is restored.")
                    % {
                        "kind": sanction.get_kind_display().lower(),
                        "user": sanction.user.email,
                    },
                )
                return redirect("moderation_sanctions:list")
    context = {
        "sanction": sanction,
        "form": form,
        "may_act": user_may_act(request.user) and sanction.lifted_at is None,
    }
    return render(
        request, "moderation/admin/sanction_detail.html", context, status=status
    )
