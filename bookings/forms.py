"""Server-rendered booking forms: the same request and moves as /api/v1/bookings,
for people who use the site rather than an app."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable
from itertools import groupby
from zoneinfo import ZoneInfo

from django import forms
from django.utils import dateformat

from bookings.availability import Slot
from bookings.services import BookingInput
from core.validators import reject_control_characters
from directory.models import ProfileRate
from directory.templatetags.directory_tags import duration


def slot_choices(slots: Iterable[Slot]) -> list[tuple[str, list[tuple[str, str]]]]:
    """Start times grouped by local date, in the time zone of the city the
    provider is in that day (a tour may change it mid-range)."""
    local = [
        (slot, slot.start.astimezone(ZoneInfo(slot.city.time_zone))) for slot in slots
    ]
    groups = []
    for (day, city), rows in groupby(
        local, key=lambda row: (row[1].date(), row[0].city)
    ):
        label = f"{dateformat.format(day, 'l j F')} · {city.title} ({city.time_zone})"
        groups.append((label, [_slot_option(slot, when) for slot, when in rows]))
    return groups


def _local(slot: Slot) -> dt.datetime:
    return slot.start.astimezone(ZoneInfo(slot.city.time_zone))


def _slot_option(slot: Slot, when: dt.datetime) -> tuple[str, str]:
    label = dateformat.format(when, "H:i T")
    if len(slot.durations) == 1:
        label = f"{label} (up to {duration(slot.durations[0])})"
    return slot.start.astimezone(dt.UTC).isoformat(), label


def rate_choices(rates: Iterable[ProfileRate]) -> list[tuple[int, str]]:
    return [
        (
            rate.pk,
            f"{duration(rate.duration_minutes)} · {rate.get_kind_display()} · "
            f"{rate.amount_display}",
        )
        for rate in rates
    ]


class BookingRequestForm(forms.Form):
    # Not a ChoiceField on purpose: a time taken since the page was shown must
    # reach the service, which answers 409, rather than fail as "invalid choice".
    slot = forms.CharField(
        label="Time",
        max_length=40,
        widget=forms.Select(attrs={"aria-describedby": "slot-help"}),
    )
    rate = forms.TypedChoiceField(label="Rate", coerce=int, widget=forms.RadioSelect)
    note = forms.CharField(
        label="Note for the provider",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Optional. Only the provider sees it.",
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
        slots: Iterable[Slot] = (),
    ) -> None:
        super().__init__(data, initial={"form_id": secrets.token_urlsafe(24)})
        self.fields["rate"].choices = rate_choices(rates)
        self.show_slots(slots)

    def show_slots(self, slots: Iterable[Slot]) -> None:
        self.slot_groups = slot_choices(slots)
        self.fields["slot"].widget.choices = [("", "Choose a time"), *self.slot_groups]

    def clean_slot(self) -> dt.datetime:
        try:
            start = dt.datetime.fromisoformat(self.cleaned_data["slot"])
        except ValueError:
            raise forms.ValidationError("Choose one of the listed times.") from None
        if start.tzinfo is None:
            raise forms.ValidationError("Choose one of the listed times.")
        return start.astimezone(dt.UTC)

    def to_input(self, *, profile_id: int) -> BookingInput:
        data = self.cleaned_data
        return BookingInput(
            profile_id=profile_id,
            rate_id=data["rate"],
            start=data["slot"],
            note=data["note"],
            idempotency_key=self._idempotency_key(profile_id)
            if data["form_id"]
            else None,
        )

    def _idempotency_key(self, profile_id: int) -> str:
        # The key covers what was chosen: the same form sent again for another
        # time (the back button) is a new request, not a replay.
        data = self.cleaned_data
        chosen = (data["form_id"], profile_id, data["rate"], data["slot"].isoformat())
        return hashlib.sha256("|".join(map(str, chosen)).encode()).hexdigest()


class BookingActionForm(forms.Form):
    reason = forms.CharField(
        required=False, max_length=500, validators=[reject_control_characters]
    )
    next = forms.CharField(required=False, max_length=500)
