"""Wagtail admin pieces for reports: the queue's filters and columns, and an
inspect page that shows the decrypted evidence to those allowed to see it."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import linebreaksbr
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import InspectView

from moderation.models import Report
from moderation.selectors import report_evidence, report_queue


class ReportFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Report.Status.choices
    )
    category = django_filters.MultipleChoiceFilter(
        label=_("Category"), choices=Report.Category.choices
    )
    priority = django_filters.ChoiceFilter(
        label=_("Priority"), choices=Report.Priority.choices
    )

    class Meta:
        model = Report
        fields = ["status", "category", "priority"]


def target_label(report: Report) -> str:
    return f"{report.target_content_type.name} #{report.target_id}"


def reporter_label(report: Report) -> str:
    return report.reporter.email if report.reporter else str(_("(erased account)"))


LIST_COLUMNS = [
    "id",
    Column(
        "priority", label=_("Priority"), accessor="priority_label", sort_key="priority"
    ),
    "category",
    "status",
    Column("target", label=_("Reported"), accessor=target_label),
    Column("reporter", label=_("Reporter"), accessor=reporter_label),
    Column("created_at", label=_("Filed"), sort_key="created_at"),
]


class ReportInspectView(InspectView):
    """The report's fields, then the snapshot of what was reported, decrypted
    here only (never listed, never in the database as text)."""

    def get_object(self, queryset: QuerySet | None = None) -> Report:
        return get_object_or_404(report_queue(), pk=self.pk)

    def get_fields(self) -> list[str]:
        return [*super().get_fields(), "evidence"]

    def get_field_label(self, field_name: str, field: object) -> str:
        if field_name == "evidence":
            return str(_("Evidence"))
        return super().get_field_label(field_name, field)

    def get_priority_display_value(self) -> str:
        return self.object.priority_label

    def get_reporter_display_value(self) -> str:
        return reporter_label(self.object)

    def get_target_display_value(self) -> str:
        return target_label(self.object)

    def get_evidence_display_value(self) -> SafeString:
        evidence = report_evidence(report=self.object, viewer=self.request.user)
        rows = format_html_join(
            "",
            "<dt>{}</dt><dd>{}</dd>",
            ((key, _evidence_value(value)) for key, value in evidence.items()),
        )
        return format_html("<dl>{}</dl>", rows)


def _evidence_value(value: object) -> SafeString:
    # Whatever the reported person typed, escaped; their line breaks kept.
    return linebreaksbr("" if value is None else str(value), autoescape=True)
