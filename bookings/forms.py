"""Server-rendered booking forms: the same request and moves as /api/v1/bookings,
for people who use the site rather than an app.

The request form is a calendar in two steps that works without JavaScript: the
days of the next two weeks are links (``?day=YYYY-MM-DD``), the chosen day's free
start times are radio buttons, and only the rates whose duration fits the chosen
time are offered. ``static/js/booking-calendar.js`` swaps days and narrows the
rates in place. Every slot comes from ``bookings.availability``."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.utils import dateformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bookings.availability import Slot
from bookings.models import MEETING_PLACE_MAX, BookingPolicy
from bookings.services import BookingInput
from core.formatting import format_duration, format_money
from core.validators import reject_control_characters
from directory.models import ProfileRate

OUTCALL = ProfileRate.Kind.OUTCALL


# --- The calendar -----------------------------------------------------------------


@dataclass(frozen=True)
class TimeOption:
    slot: Slot
    local: dt.datetime  # the start, on the wall clock of the city that day
    longest: int  # the longest of the profile's durations, fitting or not

    @property
    def value(self) -> str:
        return self.slot.start.astimezone(dt.UTC).isoformat()

    @property
    def durations_attr(self) -> str:
        return " ".join(map(str, self.slot.durations))

    @property
    def label(self) -> str:
        return dateformat.format(self.local, "H:i")

    @property
    def limit(self) -> str:
        """ "up to 1 hour" when the longer visits do not fit from this time."""
        fits = max(self.slot.durations)
        if fits >= self.longest:
            return ""
        return _("up to %(length)s") % {"length": format_duration(fits)}


@dataclass(frozen=True)
class CalendarDay:
    date: dt.date
    times: list[TimeOption]

    @property
    def cities(self) -> list[str]:
        """Where the provider is that day, with the time zone the times are in."""
        seen: dict[int, str] = {}
        for option in self.times:
            city = option.slot.city
            seen.setdefault(city.pk, f"{city.title} ({city.time_zone})")
        return list(seen.values())


def calendar_days(
    slots: Iterable[Slot], *, first: dt.date, count: int, longest: int
) -> list[CalendarDay]:
    """``count`` dates from ``first``, each with its free start times. A time
    belongs to the date it starts on where the provider is (a tour may change the
    city, and so the zone, mid-range)."""
    by_date: dict[dt.date, list[TimeOption]] = {}
    for slot in slots:
        local = slot.start.astimezone(ZoneInfo(slot.city.time_zone))
        option = TimeOption(slot=slot, local=local, longest=longest)
        by_date.setdefault(local.date(), []).append(option)
    dates = [first + dt.timedelta(days=offset) for offset in range(count)]
    return [CalendarDay(date=day, times=by_date.get(day, [])) for day in dates]


def chosen_day(days: list[CalendarDay], wanted: str | None) -> CalendarDay | None:
    """The day asked for when it is one of the calendar's, else the first with a
    free time (a stale or hand-made ``?day=`` falls back rather than fails)."""
    try:
        wanted_date = dt.date.fromisoformat(wanted or "")
    except ValueError:
        wanted_date = None
    for day in days:
        if day.date == wanted_date:
            return day
    return next((day for day in days if day.times), None)


def local_day_of(value: str, days: list[CalendarDay], *, zone: ZoneInfo) -> str | None:
    """The calendar day a posted start time falls on, to show that day again: the
    day listing it, else its date in ``zone`` (a time taken meanwhile is listed
    nowhere any more)."""
    start = parse_start(value)
    if start is None:
        return None
    for day in days:
        if any(option.slot.start == start for option in day.times):
            return day.date.isoformat()
    return start.astimezone(zone).date().isoformat()


def parse_start(value: str) -> dt.datetime | None:
    try:
        start = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return start.astimezone(dt.UTC) if start.tzinfo is not None else None


# --- Terms shown before sending ---------------------------------------------------


def rate_label(rate: ProfileRate) -> str:
    return (
        f"{format_duration(rate.duration_minutes)} · {rate.get_kind_display()} · "
        f"{rate.amount_display}"
    )


def request_terms(
    *, policy: BookingPolicy, rates: list[ProfileRate], name: str
) -> list[str]:
    """The provider's cancellation and deposit terms as sentences, read before a
    client sends (the same numbers the services apply)."""
    terms = [_acceptance_term(policy, name)]
    hours = policy.cancellation_window_hours
    if hours:
        terms.append(
            _(
                "Free cancellation until %(window)s before the start; a later "
                "cancellation is recorded as late."
            )
            % {"window": format_duration(hours * 60)}
        )
    else:
        terms.append(_("Free cancellation until the start."))
    if policy.allows_reschedule:
        terms.append(_("You can move the booking to another free time once."))
    terms.append(_deposit_term(policy, rates, name))
    if policy.deposit_percent_asked:
        terms.append(
            _(
                "Pay it within %(hours)s of the acceptance or the booking expires. "
                "It comes back in full if %(name)s declines or cancels, or if you "
                "cancel in time; after a late cancellation or a no-show it goes "
                "to %(name)s."
            )
            % {
                "hours": format_duration(settings.BOOKING_DEPOSIT_HOURS * 60),
                "name": name,
            }
        )
    return terms


def _acceptance_term(policy: BookingPolicy, name: str) -> str:
    if not policy.requires_acceptance:
        return _("A free time is booked at once: there is no waiting for an answer.")
    return _(
        "Nothing is booked until %(name)s accepts. A request left unanswered for "
        "%(expiry)s expires."
    ) % {"name": name, "expiry": format_duration(policy.request_expiry_hours * 60)}


def _deposit_term(policy: BookingPolicy, rates: list[ProfileRate], name: str) -> str:
    if not policy.deposit_percent_asked:
        return _("No deposit is asked.")
    amounts = ", ".join(
        _("%(amount)s for %(rate)s")
        % {
            "amount": format_money(deposit, rate.currency),
            "rate": format_duration(rate.duration_minutes),
        }
        for rate in _one_per_duration(rates)
        if (deposit := policy.deposit_for(rate.amount_minor))
    )
    return _(
        "A deposit of %(percent)d%% of the price is due once %(name)s accepts "
        "(%(amounts)s)."
    ) % {"percent": policy.deposit_percent_asked, "name": name, "amounts": amounts}


def _one_per_duration(rates: list[ProfileRate]) -> list[ProfileRate]:
    seen: dict[tuple[int, str], ProfileRate] = {}
    for rate in rates:
        seen.setdefault((rate.duration_minutes, rate.amount_display), rate)
    return list(seen.values())


def notice_phrase(minutes: int) -> str:
    """ "2 hours' notice", "1 hour's notice", "90 minutes' notice"."""
    length = format_duration(minutes)
    return f"{length}'" if length.endswith("s") else f"{length}'s"


# --- The form ------------------------------------------------------------------------


class BookingRequestForm(forms.Form):
    # The calendar day on show: a failed submission comes back on it.
    day = forms.CharField(widget=forms.HiddenInput, required=False, max_length=10)
    # Not a ChoiceField on purpose: a time taken since the page was shown must
    # reach the service, whose refusal the page turns into words, rather than fail
    # as "invalid choice". Rendered by the template as radio buttons.
    slot = forms.CharField(
        label=gettext_lazy("Time"),
        max_length=40,
        error_messages={"required": gettext_lazy("Choose a time.")},
    )
    rate = forms.TypedChoiceField(
        label=gettext_lazy("Duration and rate"),
        coerce=int,
        error_messages={
            "required": gettext_lazy("Choose how long."),
            "invalid_choice": gettext_lazy("Choose one of the listed durations."),
        },
    )
    meeting_place = forms.CharField(
        label=gettext_lazy("Meeting place"),
        required=False,
        max_length=MEETING_PLACE_MAX,
        validators=[reject_control_characters],
        help_text=gettext_lazy(
            "For an outcall only: the address or hotel (and room, if you know it). "
            "Only you and the provider see it."
        ),
    )
    note = forms.CharField(
        label=gettext_lazy("Note for the provider"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Optional. Only the provider sees it."),
    )
    # One per rendered form: a double-click replays the first submission instead
    # of colliding with it (the service's idempotency key, per client).
    # Optional: a hidden field's error would show nowhere, and without it the
    # request still goes through, only without the replay protection.
    form_id = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)

    def __init__(
        self,
        data: dict | None = None,
        *,
        rates: list[ProfileRate],
        day: CalendarDay | None = None,
        initial: dict | None = None,
    ) -> None:
        initial = {"form_id": secrets.token_urlsafe(24), **(initial or {})}
        super().__init__(data, initial=initial)
        self.rates = rates
        self.fields["rate"].choices = [(rate.pk, rate_label(rate)) for rate in rates]
        self.show_day(day)

    # --- what the template shows

    def show_day(self, day: CalendarDay | None) -> None:
        self.day_shown = day
        self.times = day.times if day else []
        if day is not None:
            self.initial["day"] = day.date.isoformat()

    def _raw(self, name: str) -> str:
        if self.is_bound:
            return str(self.data.get(name, "") or "")
        return str(self.initial.get(name, "") or "")

    @property
    def chosen_time(self) -> TimeOption | None:
        start = parse_start(self._raw("slot"))
        return next((t for t in self.times if t.slot.start == start), None)

    @property
    def offered_rates(self) -> list[ProfileRate]:
        """Only rates whose duration fits: from the chosen time when one is
        chosen, else from some time of the day (the script narrows further)."""
        chosen = self.chosen_time
        options = [chosen] if chosen else self.times
        fitting = {minutes for option in options for minutes in option.slot.durations}
        return [rate for rate in self.rates if rate.duration_minutes in fitting]

    @property
    def rate_options(self) -> list[tuple[ProfileRate, str, bool]]:
        """(rate, label, checked) for each offered rate."""
        chosen = self._raw("rate")
        return [
            (rate, rate_label(rate), str(rate.pk) == chosen)
            for rate in self.offered_rates
        ]

    @property
    def has_outcall(self) -> bool:
        return any(rate.kind == OUTCALL for rate in self.offered_rates)

    # --- validation

    def clean_slot(self) -> dt.datetime:
        start = parse_start(self.cleaned_data["slot"])
        if start is None:
            raise forms.ValidationError(_("Choose one of the listed times."))
        return start

    def clean_rate(self) -> ProfileRate:
        pk = self.cleaned_data["rate"]
        return next(rate for rate in self.rates if rate.pk == pk)

    def clean(self) -> dict:
        data = super().clean()
        rate = data.get("rate")
        if rate is None:
            return data
        if rate.kind != OUTCALL:
            # Hidden for incall: whatever was typed there is not kept.
            data["meeting_place"] = ""
        elif not data.get("meeting_place") and "meeting_place" not in self.errors:
            self.add_error(
                "meeting_place",
                _("Say where to meet: an outcall needs an address or a hotel."),
            )
        self._check_fits(rate, data.get("slot"))
        return data

    def _check_fits(self, rate: ProfileRate, start: dt.datetime | None) -> None:
        """The same rule the list applies: a duration that would run into another
        booking or past the provider's hours is refused with the reason (the
        service would only see a taken or closed time)."""
        option = next((t for t in self.times if t.slot.start == start), None)
        if option is None or rate.duration_minutes in option.slot.durations:
            return
        longest = max(option.slot.durations)
        self.add_error(
            "rate",
            _(
                "%(length)s from %(time)s does not fit: it would run into another "
                "booking or past the end of the hours. From %(time)s there is "
                "room for %(longest)s at most; choose a shorter one or another time."
            )
            % {
                "length": format_duration(rate.duration_minutes),
                "time": option.label,
                "longest": format_duration(longest),
            },
        )

    def to_input(self, *, profile_id: int) -> BookingInput:
        data = self.cleaned_data
        return BookingInput(
            profile_id=profile_id,
            rate_id=data["rate"].pk,
            start=data["slot"],
            note=data["note"],
            meeting_place=data["meeting_place"],
            idempotency_key=self._idempotency_key(profile_id)
            if data["form_id"]
            else None,
        )

    def _idempotency_key(self, profile_id: int) -> str:
        # The key covers what was chosen: the same form sent again for another
        # time (the back button) is a new request, not a replay.
        data = self.cleaned_data
        chosen = (
            data["form_id"],
            profile_id,
            data["rate"].pk,
            data["slot"].isoformat(),
        )
        return hashlib.sha256("|".join(map(str, chosen)).encode()).hexdigest()


class BookingActionForm(forms.Form):
    reason = forms.CharField(
        required=False, max_length=500, validators=[reject_control_characters]
    )
    next = forms.CharField(required=False, max_length=500)
