"""The audit log's admin listing: a search over action, actor, target and
reason, filters (action, actor, target type, dates), and a streamed CSV export
of what the filters select, capped and itself audited (docs/audit.md)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from typing import Any

import django_filters
from django import forms
from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.views.generic import IndexView
from wagtail.admin.views.mixins import Echo
from wagtail.admin.widgets.button import Button

from audit.events import audit_exported_event
from audit.models import AuditEntry
from audit.selectors import (
    EXPORT_ROW_CAP,
    AuditQuery,
    audit_action_prefixes,
    audit_search,
    audit_target_types,
)

# A spreadsheet runs a cell that starts with one of these as a formula: labels
# and reasons are typed by people, so such a cell is exported as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class AuditFilterForm(forms.Form):
    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        dates = cleaned.get("created")
        if dates and dates.start and dates.stop and dates.start > dates.stop:
            self.add_error("created", _("The start date is after the end date."))
        return cleaned


class AuditEntryFilterSet(WagtailFilterSet):
    """Only the form: the filtering itself is audit.selectors.audit_search."""

    action_prefix = django_filters.ChoiceFilter(label=_("Action"), method="_skip")
    actor = django_filters.CharFilter(
        label=_("Actor (email, or “platform”)"), method="_skip"
    )
    target_type = django_filters.ChoiceFilter(label=_("Target type"), method="_skip")
    created = django_filters.DateFromToRangeFilter(
        label=_("Date"), widget=DateRangePickerWidget, method="_skip"
    )

    class Meta:
        model = AuditEntry
        fields: list[str] = []
        form = AuditFilterForm

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filters["action_prefix"].extra["choices"] = [
            (f"{prefix}.", prefix) for prefix in audit_action_prefixes()
        ]
        self.filters["target_type"].extra["choices"] = [
            (name, name) for name in audit_target_types()
        ]

    def _skip(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        return queryset

    def audit_query(self, *, text: str) -> AuditQuery:
        data = self.form.cleaned_data
        dates = data.get("created")
        return AuditQuery(
            text=text,
            action_prefix=data.get("action_prefix") or "",
            actor=(data.get("actor") or "").strip(),
            target_type=data.get("target_type") or "",
            date_from=dates.start if dates else None,
            date_to=dates.stop if dates else None,
        )


class AuditEntryIndexView(IndexView):
    FORMATS = (IndexView.FORMAT_CSV,)  # one export, audited; no XLSX beside it

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not self.filters_valid:
            # Never export a file for criteria that were not understood; say why
            # nothing is listed (the field errors sit inside the filter menu). Not
            # on the results fragment (refreshed as one filters): its message
            # would only pile up for the next full page.
            self.is_export = False
            if not self.results_only:
                messages.error(request, self._filter_errors())
        return super().get(request, *args, **kwargs)

    def _filter_errors(self) -> str:
        errors = " ".join(
            str(error)
            for field_errors in self.filters.form.errors.values()
            for error in field_errors
        )
        return _("Check the filters: %(errors)s") % {"errors": errors}

    @cached_property
    def filters_valid(self) -> bool:
        return not self.filters or self.filters.is_valid()

    @cached_property
    def audit_query(self) -> AuditQuery:
        if not self.filters:
            return AuditQuery(text=self.search_query)
        return self.filters.audit_query(text=self.search_query)

    def get_queryset(self) -> QuerySet[AuditEntry]:
        if not self.filters_valid:
            return AuditEntry.objects.none()
        return self.order_queryset(audit_search(self.audit_query))

    def search_queryset(self, queryset: QuerySet) -> QuerySet:
        return queryset  # the text is part of audit_search

    # --- The export -------------------------------------------------------------

    def as_spreadsheet(
        self, queryset: QuerySet, spreadsheet_format: str
    ) -> HttpResponse:
        rows = queryset.count()
        entry = audit_exported_event(
            actor=self.request.user,
            query=self.audit_query,
            rows=min(rows, EXPORT_ROW_CAP),
            truncated=rows > EXPORT_ROW_CAP,
        )
        # The export's own entry is written first (in this request's
        # transaction) and left out of the file it describes.
        return self.write_csv_response(queryset.exclude(pk=entry.pk)[:EXPORT_ROW_CAP])

    def get_filename(self) -> str:
        return f"audit-log-{timezone.localtime():%Y%m%d-%H%M}"

    def stream_csv(self, queryset: QuerySet) -> Iterator[bytes]:
        writer = csv.writer(Echo())
        yield writer.writerow([self.get_heading(queryset, f) for f in self.list_export])
        for entry in queryset.iterator(chunk_size=500):
            yield writer.writerow(_csv_row(entry, self.list_export))

    @cached_property
    def header_more_buttons(self) -> list[Button]:
        buttons = [
            button
            for button in super().header_more_buttons
            if button.url not in (self.xlsx_export_url, self.csv_export_url)
        ]
        if self.show_export_buttons:
            buttons.append(
                Button(
                    _("Download CSV"),
                    url=self.csv_export_url,
                    icon_name="download",
                    priority=100,
                )
            )
        return buttons


def _csv_row(entry: AuditEntry, fields: list[str]) -> list[str]:
    return [_csv_cell(getattr(entry, field)) for field in fields]


def _csv_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text
