"""The review pages' forms. They check shapes (a star count, a length); the
rules and the text check are the services' (reviews.services), whose refusals
the views put back on these forms, next to the field they concern."""

from __future__ import annotations

from django import forms

from moderation.models import DETAILS_MAX_LENGTH, Report
from reviews.models import REPLY_TEXT_MAX, REVIEW_TEXT_MAX

STARS = [(n, f"{n} out of 5") for n in range(5, 0, -1)]
ASPECT_LABELS = {
    "punctuality": "Punctuality",
    "communication": "Communication",
    "as_described": "As described",
}


def _stars(label: str, *, required: bool) -> forms.TypedChoiceField:
    choices = STARS if required else [*STARS, ("", "Not rated")]
    return forms.TypedChoiceField(
        label=label,
        choices=choices,
        coerce=int,
        empty_value=None,
        required=required,
        widget=forms.RadioSelect,
    )


class ReviewForm(forms.Form):
    rating = _stars("Overall", required=True)
    punctuality = _stars(ASPECT_LABELS["punctuality"], required=False)
    communication = _stars(ASPECT_LABELS["communication"], required=False)
    as_described = _stars(ASPECT_LABELS["as_described"], required=False)
    text = forms.CharField(
        label="Your review",
        max_length=REVIEW_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6, "aria-describedby": "text-rules"}),
    )

    def aspects(self) -> list[forms.BoundField]:
        return [self[name] for name in ASPECT_LABELS]

    def service_fields(self) -> dict:
        return dict(self.cleaned_data)


class ReplyForm(forms.Form):
    text = forms.CharField(
        label="Your public reply",
        max_length=REPLY_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Shown under the review, once, for everyone. It cannot be changed.",
    )


class ReportForm(forms.Form):
    category = forms.ChoiceField(
        label="What is wrong with this review",
        choices=Report.Category.choices,
        widget=forms.RadioSelect,
    )
    details = forms.CharField(
        label="Anything the moderators should know (optional)",
        max_length=DETAILS_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
