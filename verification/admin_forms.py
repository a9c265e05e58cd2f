"""Forms of the moderators' verification queue. They shape the input; the rules
(date of birth required to approve, a reason to refuse, "other" needs a note,
18 or older) live in verification.services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from verification.models import RefusalReason


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", _("Approve")), ("refuse", _("Refuse"))],
        widget=forms.RadioSelect,
    )
    date_of_birth = forms.DateField(
        required=False,
        label=_("Date of birth on the document"),
        help_text=_("Needed to approve. Only whether it shows 18 or older is kept."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    photos = forms.MultipleChoiceField(
        required=False,
        label=_("Profile photos that show this person"),
        widget=forms.CheckboxSelectMultiple,
    )
    reason = forms.ChoiceField(
        required=False,
        label=_("Reason for a refusal"),
        choices=[("", "---------"), *RefusalReason.choices],
    )
    note = forms.CharField(
        required=False,
        max_length=1000,
        label=_("Note to the person"),
        help_text=_("Required with “Other”. The person reads it."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, photos: list[dict], **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.photo_list = photos
        self.fields["photos"].choices = [
            (f"{p['image_id']}:{p['file_hash']}", p.get("caption") or p["image_id"])
            for p in photos
        ]


class RerequestForm(forms.Form):
    reason = forms.CharField(
        max_length=1000,
        label=_("Why must this person verify again?"),
        help_text=_("The person reads this. Their profile stays live meanwhile."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
