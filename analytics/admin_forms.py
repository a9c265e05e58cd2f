"""The report builder's forms. Choices are shown as selects, but the values are
checked by analytics.reports.report_spec_parse (not by the fields), so the page
and the export URLs give the same message for the same bad input."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from analytics.metrics import BREAKDOWNS, METRICS
from analytics.models import ReportSubscription
from analytics.reports import QUICK_DAYS, ReportInvalid, ReportSpec, report_spec_parse

CUSTOM = ""


class ReportBuilderForm(forms.Form):
    metric = forms.CharField(
        label=_("Metric"),
        widget=forms.Select(choices=[(k, m.label) for k, m in METRICS.items()]),
    )
    breakdown = forms.CharField(
        label=_("Breakdown"),
        widget=forms.Select(choices=list(BREAKDOWNS.items())),
    )
    days = forms.CharField(
        label=_("Range"),
        required=False,
        widget=forms.Select(
            choices=[
                *((str(n), _("Last %(days)s days") % {"days": n}) for n in QUICK_DAYS),
                (CUSTOM, _("Custom dates (below)")),
            ]
        ),
    )
    start = forms.CharField(
        label=_("Start date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    end = forms.CharField(
        label=_("End date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean(self) -> dict:
        data = super().clean()
        custom = data.get("days", CUSTOM) == CUSTOM
        try:
            self.spec = report_spec_parse(
                metric=data.get("metric", ""),
                breakdown=data.get("breakdown", ""),
                # A quick range wins over dates left in the fields from before.
                days=None if custom else data["days"],
                start=data.get("start") if custom else None,
                end=data.get("end") if custom else None,
            )
        except ReportInvalid as error:
            for field, messages in error.fields.items():
                target = field if field in self.fields else None
                for message in messages:
                    self.add_error(target, message)
        return data


def spec_query(spec: ReportSpec) -> dict[str, str]:
    """The GET parameters that ask for ``spec`` again (export links, saving)."""
    query = {"metric": spec.metric.key, "breakdown": spec.breakdown}
    if spec.range_days:
        query["days"] = str(spec.range_days)
    else:
        query.update(
            start=spec.period.start.isoformat(), end=spec.period.end.isoformat()
        )
    return query


class SaveReportForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)


class SubscribeForm(forms.Form):
    frequency = forms.ChoiceField(
        label=_("Email me this report"),
        choices=ReportSubscription.Frequency.choices,
    )
