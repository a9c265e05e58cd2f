"""The server-rendered "Edit my profile" form: the same edit as PUT /me/profile,
for people who use the site rather than an app."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.forms import formset_factory

from core.formatting import format_duration, to_major_units, to_minor_units
from core.validators import reject_control_characters
from directory.models import (
    MAX_PHOTOS,
    MAX_RATE_MINOR,
    MIN_AGE,
    CityPage,
    Currency,
    EscortProfilePage,
    Language,
    ProfileRate,
    Service,
)
from directory.services import PhotoInput, ProfileEdit, RateInput, TourInput


class ProfileEditForm(forms.Form):
    display_name = forms.CharField(
        min_length=2, max_length=60, validators=[reject_control_characters]
    )
    age = forms.IntegerField(min_value=MIN_AGE, max_value=99)
    home_city = forms.ModelChoiceField(queryset=CityPage.objects.none())
    tagline = forms.CharField(
        max_length=140, required=False, validators=[reject_control_characters]
    )
    bio = forms.CharField(
        max_length=8000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Plain text or simple formatting (bold, italic, lists).",
    )
    contact_preference = forms.ChoiceField(
        choices=EscortProfilePage.ContactPreference.choices
    )
    languages = forms.ModelMultipleChoiceField(
        queryset=Language.objects.all(),
        to_field_name="code",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    services = forms.ModelMultipleChoiceField(
        queryset=Service.objects.all(),
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    keep_photos = forms.TypedMultipleChoiceField(
        coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    primary_photo = forms.CharField(required=False, widget=forms.HiddenInput)
    new_photo = forms.FileField(required=False, label="Add a photo")
    new_photo_caption = forms.CharField(
        max_length=200, required=False, validators=[reject_control_characters]
    )

    def __init__(self, *args, photos: list, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["home_city"].queryset = CityPage.objects.live().order_by("title")
        self.photos = photos
        self.fields["keep_photos"].choices = [
            (photo.image_id, photo.caption or f"Photo {n}")
            for n, photo in enumerate(photos, start=1)
        ]

    def clean(self) -> dict:
        data = super().clean()
        kept = len(data.get("keep_photos") or [])
        if kept + bool(data.get("new_photo")) > MAX_PHOTOS:
            raise forms.ValidationError(f"At most {MAX_PHOTOS} photos.")
        return data

    def to_edit(
        self, *, rates: list[dict], tours: list[dict], new_image_id: int | None
    ):
        data = self.cleaned_data
        captions = {photo.image_id: photo.caption for photo in self.photos}
        primary = data.get("primary_photo") or ""
        photos = [
            PhotoInput(
                image_id=i, caption=captions.get(i, ""), is_primary=str(i) == primary
            )
            for i in data["keep_photos"]
        ]
        if new_image_id is not None:
            photos.append(
                PhotoInput(
                    image_id=new_image_id,
                    caption=data["new_photo_caption"],
                    is_primary=primary == "new" or not photos,
                )
            )
        return ProfileEdit(
            display_name=data["display_name"],
            age=data["age"],
            home_city_id=data["home_city"].pk,
            tagline=data["tagline"],
            bio=data["bio"],
            contact_preference=data["contact_preference"],
            language_codes=[language.code for language in data["languages"]],
            service_slugs=[service.slug for service in data["services"]],
            rates=[
                RateInput(
                    duration_minutes=r["duration_minutes"],
                    kind=r["kind"],
                    amount_minor=to_minor_units(r["amount"]),
                    currency=r["currency"],
                )
                for r in rates
            ],
            tours=[TourInput(**t) for t in tours],
            photos=photos,
        )


BLANK = [("", "—")]  # untouched extra rows must submit as unchanged, hence blank


class RateForm(forms.Form):
    duration_minutes = forms.TypedChoiceField(
        coerce=int,
        choices=BLANK
        + [
            (m, format_duration(m))
            for m in (30, 60, 90, 120, 180, 240, 360, 480, 720, 1440)
        ],
        label="Duration",
    )
    kind = forms.ChoiceField(choices=BLANK + ProfileRate.Kind.choices)
    amount = forms.DecimalField(
        max_digits=9,
        decimal_places=2,
        validators=[
            MinValueValidator(Decimal("0.01")),
            MaxValueValidator(to_major_units(MAX_RATE_MINOR)),
        ],
    )
    currency = forms.ChoiceField(choices=BLANK + Currency.choices)


class TourForm(forms.Form):
    city_id = forms.TypedChoiceField(coerce=int, label="City", choices=())
    starts_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    is_private = forms.BooleanField(required=False, label="Private (only you see it)")

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["city_id"].choices = BLANK + list(
            CityPage.objects.live().order_by("title").values_list("pk", "title")
        )

    def clean(self) -> dict:
        data = super().clean()
        if (
            data.get("starts_on")
            and data.get("ends_on")
            and data["ends_on"] < data["starts_on"]
        ):
            raise forms.ValidationError("A tour cannot end before it starts.")
        return data


RateFormSet = formset_factory(RateForm, extra=2, can_delete=True, max_num=12)
TourFormSet = formset_factory(TourForm, extra=1, can_delete=True, max_num=20)


def filled(formset: forms.BaseFormSet) -> list[dict]:
    """Rows the user filled in and did not mark for deletion."""
    return [
        {k: v for k, v in form.cleaned_data.items() if k != "DELETE"}
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]
