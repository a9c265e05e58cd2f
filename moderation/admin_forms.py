"""The moderators' forms in the Wagtail admin: a decision on a report (one
form per action, each with a required reason code), an appeal's outcome, and
lifting a sanction. The forms only read input; the decision services
(moderation.decisions) check and apply it."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from moderation.decisions import REPORT_ACTIONS
from moderation.models import DETAILS_MAX_LENGTH, DecisionAction
from moderation.reasons import ReasonCode

A = DecisionAction
__all__ = ["REPORT_ACTIONS", "AppealDecisionForm", "LiftForm", "ReportDecisionForm"]
NOTE_MAX_LENGTH = 2000

PERIODS = {
    "24h": dt.timedelta(hours=24),
    "7d": dt.timedelta(days=7),
    "30d": dt.timedelta(days=30),
}
PERIOD_CHOICES = [
    ("24h", _("24 hours")),
    ("7d", _("7 days")),
    ("30d", _("30 days")),
    ("date", _("Until a date")),
]


def reason_field(choices: list | None = None) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Reason (required)"),
        choices=[("", _("Choose the ground…")), *(choices or ReasonCode.choices)],
        error_messages={"required": _("Choose the reason for this decision.")},
    )


class ReportDecisionForm(forms.Form):
    """One action on one report. Rendered once per action with the action as
    its prefix, so every field has its own id on the inspect page."""

    reason_code = reason_field()
    note = forms.CharField(
        label=_("Note to the user (optional)"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Quoted in their statement of reasons. Never name the reporter."),
    )

    def __init__(self, *args, action: str, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, prefix=action, **kwargs)
        self.action = action
        # A dismissal finds no breach; every other action names the broken rule.
        no_breach = ReasonCode.NO_VIOLATION
        self.fields["reason_code"] = reason_field(
            [(no_breach.value, no_breach.label)]
            if action == A.DISMISS
            else [c for c in ReasonCode.choices if c[0] != no_breach]
        )
        if action == A.DISMISS:
            self.fields["reason_code"].initial = no_breach.value
            self.fields["note"].label = _("Internal note (optional)")
            self.fields["note"].help_text = ""
        if action == A.SUSPEND:
            self.fields["period"] = forms.ChoiceField(
                label=_("For how long"),
                choices=PERIOD_CHOICES,
                initial="7d",
                widget=forms.RadioSelect,
            )
            self.fields["until"] = forms.DateField(
                label=_("Until (for “Until a date”)"),
                required=False,
                widget=forms.DateInput(attrs={"type": "date"}),
            )

    @property
    def label(self) -> str:
        return str(A(self.action).label)

    def clean(self) -> dict:
        data = super().clean()
        if self.action == A.SUSPEND and "period" in data:
            data["suspend_until"] = self._suspend_until(data)
        return data

    def _suspend_until(self, data: dict) -> dt.datetime | None:
        now = timezone.now()
        if data["period"] in PERIODS:
            return now + PERIODS[data["period"]]
        until = data.get("until")
        if until is None:
            self.add_error("until", _("Pick the date the suspension ends."))
            return None
        # The start of that day in the site's time zone.
        ends = timezone.make_aware(dt.datetime.combine(until, dt.time.min))
        if ends <= now:
            self.add_error("until", _("Pick a date after today."))
            return None
        return ends


class AppealDecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=[("confirm", _("Confirm")), ("reverse", _("Reverse"))],
        error_messages={"required": _("Choose confirm or reverse.")},
    )
    response = forms.CharField(
        label=_("Response to the user (required)"),
        max_length=DETAILS_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Write the response the user will read.")},
    )


class LiftForm(forms.Form):
    reason_code = reason_field()
    note = forms.CharField(
        label=_("Note to the user (optional)"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
