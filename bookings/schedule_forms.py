"""The provider's schedule editor in HTML: weekly hours, a day off or extra hours,
and the booking policy. The same values as PUT /api/v1/me/profiles/{id}/availability
(bookings/apis/owner.py), checked with messages people understand; the views hand
them to ``bookings.services.availability_replace``.

Times are wall-clock times where the provider is that day (the home city, or the
touring city), as the rules are stored (bookings/availability.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bookings.models import AvailabilityException, AvailabilityRule, BookingPolicy
from bookings.services import POLICY_FIELDS, ExceptionInput, RuleInput

# A day shows its saved periods plus one blank row, and never fewer than this.
MIN_PERIODS = 2
MAX_PERIODS = 4  # 7 x 4 = 28, the API's MAX_RULES
MINUTES_PER_DAY = 24 * 60
MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY
MIDNIGHT = dt.time(0)
WEEKDAYS = [
    gettext_lazy("Monday"),
    gettext_lazy("Tuesday"),
    gettext_lazy("Wednesday"),
    gettext_lazy("Thursday"),
    gettext_lazy("Friday"),
    gettext_lazy("Saturday"),
    gettext_lazy("Sunday"),
]


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self) -> None:
        super().__init__(format="%H:%M")


def _hhmm(value: dt.time) -> str:
    return value.strftime("%H:%M")


def _runs_past_midnight(start: dt.time, end: dt.time) -> bool:
    """The stored rule: an end at or before the start is on the next day. An end
    at 00:00 is simply "until midnight"."""
    return end <= start and end != MIDNIGHT


def _check_order(start: dt.time, end: dt.time, *, next_day: bool) -> str | None:
    """The message for a period whose end does not follow its start, or None."""
    if start == end:
        return _("End must be after start.")
    if next_day:
        if end > start and end != MIDNIGHT:
            return _(
                "With “ends the next day” the end is the next morning: "
                "it must be before the start."
            )
        return None
    if end < start and end != MIDNIGHT:
        return _(
            "End must be after start. For hours past midnight, tick "
            "“ends the next day”."
        )
    return None


class WeeklyHoursForm(forms.Form):
    """Seven days, each a few rows of "from / until". A blank row is no hours.
    Rows are fields named ``d<weekday>_<n>_start``, ``_end`` and ``_next_day``, so
    every input has its own label ("Monday from")."""

    def __init__(
        self,
        data: dict | None = None,
        *,
        rules: Iterable[AvailabilityRule] = (),
    ) -> None:
        by_day: dict[int, list[AvailabilityRule]] = {day: [] for day in range(7)}
        for rule in rules:
            by_day[rule.weekday].append(rule)
        initial: dict[str, object] = {}
        self.days: list[tuple[int, str, list[int]]] = []
        periods_of: dict[int, int] = {}
        for day, saved in by_day.items():
            saved.sort(key=lambda rule: rule.start_time)
            periods_of[day] = min(MAX_PERIODS, max(MIN_PERIODS, len(saved) + 1))
            for n, rule in enumerate(saved[:MAX_PERIODS]):
                initial[f"d{day}_{n}_start"] = rule.start_time
                initial[f"d{day}_{n}_end"] = rule.end_time
                initial[f"d{day}_{n}_next_day"] = _runs_past_midnight(
                    rule.start_time, rule.end_time
                )
        super().__init__(data, initial=initial)
        for day in range(7):
            name = WEEKDAYS[day]
            for n in range(periods_of[day]):
                prefix = f"d{day}_{n}"
                # The visible labels are "from" and "until"; the day and the
                # period are in the label too (visually hidden in the template).
                context = (
                    name
                    if n == 0
                    else _("%(day)s, period %(n)s") % {"day": name, "n": n + 1}
                )
                self.fields[f"{prefix}_start"] = forms.TimeField(
                    required=False,
                    label=_("%(day)s from") % {"day": context},
                    widget=TimeInput(),
                )
                self.fields[f"{prefix}_end"] = forms.TimeField(
                    required=False,
                    label=_("%(day)s until") % {"day": context},
                    widget=TimeInput(),
                )
                self.fields[f"{prefix}_next_day"] = forms.BooleanField(
                    required=False,
                    label=_("%(day)s ends the next day") % {"day": context},
                )
            self.days.append((day, name, list(range(periods_of[day]))))

    def rows(self) -> list[dict]:
        """For the template: one entry per day with its rows of bound fields."""
        return [
            {
                "weekday": day,
                "name": name,
                "periods": [
                    {
                        "start": self[f"d{day}_{n}_start"],
                        "end": self[f"d{day}_{n}_end"],
                        "next_day": self[f"d{day}_{n}_next_day"],
                        "number": n + 1,
                        "context": name
                        if n == 0
                        else _("%(day)s, period %(n)s") % {"day": name, "n": n + 1},
                    }
                    for n in periods
                ],
            }
            for day, name, periods in self.days
        ]

    def clean(self) -> dict:
        data = super().clean()
        self.rules: list[RuleInput] = []
        spans: list[tuple[int, int, str, str]] = []  # start, end (minutes), text, field
        for day, name, periods in self.days:
            for n in periods:
                prefix = f"d{day}_{n}"
                if f"{prefix}_start" in self.errors or f"{prefix}_end" in self.errors:
                    continue
                start, end = data.get(f"{prefix}_start"), data.get(f"{prefix}_end")
                next_day = bool(data.get(f"{prefix}_next_day"))
                if start is None and end is None:
                    continue
                if start is None or end is None:
                    missing = f"{prefix}_start" if start is None else f"{prefix}_end"
                    self.add_error(missing, _("Give both a start and an end time."))
                    continue
                if problem := _check_order(start, end, next_day=next_day):
                    self.add_error(f"{prefix}_end", problem)
                    continue
                self.rules.append(
                    RuleInput(weekday=day, start_time=start, end_time=end)
                )
                begins = day * MINUTES_PER_DAY + start.hour * 60 + start.minute
                length = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
                if length <= 0:
                    length += MINUTES_PER_DAY
                text = f"{name} {_hhmm(start)}–{_hhmm(end)}"
                spans.append((begins, begins + length, text, f"{prefix}_start"))
        self._refuse_overlaps(spans)
        return data

    def _refuse_overlaps(self, spans: list[tuple[int, int, str, str]]) -> None:
        """Two periods that share a minute of the week (Sunday night runs into
        Monday morning) are refused: the second one says which it overlaps."""
        spans.sort()
        for i, (start, end, text, _field) in enumerate(spans):
            for other_start, other_end, other_text, other_field in spans[i + 1 :]:
                if other_start < end and start < other_end:
                    self._overlap(other_field, other_text, text)
            if end > MINUTES_PER_WEEK:  # Sunday past midnight: Monday's morning
                tail = end - MINUTES_PER_WEEK
                for other_start, _end, other_text, other_field in spans:
                    if other_start < tail:
                        self._overlap(other_field, other_text, text)

    def _overlap(self, field: str, text: str, other: str) -> None:
        if field in self.errors:
            return
        self.add_error(
            field,
            _("%(this)s overlaps %(other)s. Hours cannot overlap.")
            % {"this": text, "other": other},
        )


class ExceptionForm(forms.Form):
    """One dated change: a day (or a few hours) off, or extra hours."""

    date = forms.DateField(
        label=gettext_lazy("Date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("What changes"),
        choices=AvailabilityException.Kind.choices,
        initial=AvailabilityException.Kind.OFF,
        widget=forms.RadioSelect,
    )
    start_time = forms.TimeField(
        label=gettext_lazy("From"), required=False, widget=TimeInput()
    )
    end_time = forms.TimeField(
        label=gettext_lazy("Until"),
        required=False,
        widget=TimeInput(),
    )

    def __init__(
        self,
        data: dict | None = None,
        *,
        today: dt.date | None = None,
        existing: Iterable[AvailabilityException] = (),
    ) -> None:
        super().__init__(data, prefix="exception")
        self.today = today or timezone.localdate()
        self.existing = list(existing)

    def clean_date(self) -> dt.date:
        day = self.cleaned_data["date"]
        if day < self.today:
            raise forms.ValidationError(_("Choose today or a later date."))
        if day > self.today.replace(year=self.today.year + 1):
            raise forms.ValidationError(_("Choose a date within the next year."))
        return day

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("start_time"), data.get("end_time")
        kind = data.get("kind")
        if "start_time" in self.errors or "end_time" in self.errors or not kind:
            return data
        if (start is None) != (end is None):
            missing = "start_time" if start is None else "end_time"
            self.add_error(missing, _("Give both a start and an end time."))
            return data
        if start is None and kind == AvailabilityException.Kind.EXTRA:
            self.add_error("start_time", _("Extra hours need a start and an end."))
            return data
        if start is not None and (problem := _check_order(start, end, next_day=False)):
            self.add_error("end_time", problem)
            return data
        day = data.get("date")
        if start is None and any(
            item.date == day and item.start_time is None for item in self.existing
        ):
            self.add_error("date", _("That day is already off."))
        return data

    def to_input(self) -> ExceptionInput:
        data = self.cleaned_data
        return ExceptionInput(
            date=data["date"],
            kind=data["kind"],
            start_time=data["start_time"],
            end_time=data["end_time"],
        )


class BookingPolicyForm(forms.ModelForm):
    """The policy's own fields, labels and limits (bookings/models.py). Never
    saved through the form: the view hands ``to_policy()`` to the service."""

    class Meta:
        model = BookingPolicy
        fields = POLICY_FIELDS
        labels = {
            "requires_acceptance": gettext_lazy("Requests need my acceptance"),
            "min_notice_minutes": gettext_lazy("Minimum notice (minutes)"),
            "max_days_ahead": gettext_lazy("Bookable up to (days ahead)"),
            "buffer_before_minutes": gettext_lazy("Free time before (minutes)"),
            "buffer_after_minutes": gettext_lazy("Free time after (minutes)"),
            "daily_cap": gettext_lazy("Bookings per day at most"),
            "cancellation_window_hours": gettext_lazy(
                "Free cancellation until (hours before)"
            ),
            "allows_reschedule": gettext_lazy("Clients may move a booking once"),
            "request_expiry_hours": gettext_lazy(
                "Unanswered requests expire after (hours)"
            ),
            "deposit_percent": gettext_lazy("Deposit (% of the price)"),
        }
        help_texts = {
            "requires_acceptance": gettext_lazy(
                "Untick to let clients book a free time at once."
            ),
            "min_notice_minutes": gettext_lazy(
                "How long before the start a client can still book. 120 = 2 hours."
            ),
            "buffer_before_minutes": gettext_lazy(
                "Kept free before each booking you accept (travel, getting ready)."
            ),
            "buffer_after_minutes": gettext_lazy("Kept free after each booking."),
            "daily_cap": gettext_lazy("Leave blank for no limit."),
            "cancellation_window_hours": gettext_lazy(
                "Clients cancel free of charge until this many hours before the start."
            ),
            "deposit_percent": gettext_lazy(
                "0 for no deposit. Clients pay it after you accept."
            ),
        }
        widgets = {
            name: forms.NumberInput(attrs={"inputmode": "numeric"})
            for name in POLICY_FIELDS
            if name not in {"requires_acceptance", "allows_reschedule"}
        }

    def to_policy(self) -> dict:
        return {name: self.cleaned_data[name] for name in POLICY_FIELDS}
