"""The HTML form of a provider's private assessment ("How did it go?"). Yes/no
questions as radio buttons, the optional ones with "Rather not say"."""

from __future__ import annotations

from django import forms

from bookings.models import Booking
from reviews.models import ClientAssessment

YES, NO, SKIP = "yes", "no", ""
REQUIRED_CHOICES = [(YES, "Yes"), (NO, "No")]
OPTIONAL_CHOICES = [*REQUIRED_CHOICES, (SKIP, "Rather not say")]


def _as_choice(value: bool | None) -> str:
    return SKIP if value is None else (YES if value else NO)


def _as_bool(value: str) -> bool | None:
    return None if value == SKIP else value == YES


class AssessmentForm(forms.Form):
    showed_up = forms.ChoiceField(
        label="Did the client show up?",
        choices=REQUIRED_CHOICES,
        widget=forms.RadioSelect,
    )
    respectful = forms.ChoiceField(
        label="Were they respectful?",
        choices=OPTIONAL_CHOICES,
        required=False,
        widget=forms.RadioSelect,
        help_text="Leave it at “Rather not say” if they did not come.",
    )
    would_see_again = forms.ChoiceField(
        label="Would you see them again?",
        choices=OPTIONAL_CHOICES,
        required=False,
        widget=forms.RadioSelect,
    )

    @classmethod
    def for_booking(
        cls, booking: Booking, *, assessment: ClientAssessment | None
    ) -> AssessmentForm:
        if assessment is not None:
            initial = {
                name: _as_choice(getattr(assessment, name))
                for name in ("showed_up", "respectful", "would_see_again")
            }
        else:
            no_show = booking.status == Booking.Status.NO_SHOW
            initial = {
                "showed_up": NO if no_show else YES,
                "respectful": SKIP,
                "would_see_again": SKIP,
            }
        return cls(initial=initial, auto_id=f"id_assessment_{booking.pk}_%s")

    def answers(self) -> dict:
        return {name: _as_bool(value) for name, value in self.cleaned_data.items()}
