"""The server-rendered "Edit my profile" form: the same edit as PUT /me/profile,
for people who use the site rather than an app."""

from __future__ import annotations

import html
import re
from dataclasses import replace
from decimal import Decimal
from html.parser import HTMLParser

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from core.formatting import format_duration, to_major_units, to_minor_units
from core.validators import (
    BODY_CONTROLS,
    has_control_characters,
    reject_control_characters,
)
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
from directory.services import (
    PhotoInput,
    ProfileEdit,
    RateInput,
    TourInput,
    sanitize_bio,
)

MAX_BIO_HTML = 8000  # EscortProfilePage.bio's max_length, counted on the stored HTML
LIST_MARKERS = ("- ", "* ", "• ")


class _BioText(HTMLParser):
    """The stored bio (sanitised HTML, BIO_TAGS only) as the text people type:
    paragraphs apart by a blank line, a line break as a newline, list items as
    "- " lines. Bold and italic keep their words, not their styling."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "br":
            self.parts.append("\n")
        elif tag == "li":
            self.parts.append("\n- ")
        elif tag in {"p", "ul", "ol"}:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in {"p", "ul", "ol"}:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        # Source newlines inside HTML are just spaces.
        self.parts.append(re.sub(r"\s+", " ", data))


def _order_key(value: object, tile: dict) -> tuple[int, int]:
    """A submitted position as typed (maybe blank or not a number) for sorting
    the tiles of a form shown again."""
    try:
        return (int(value), tile["number"])  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return (MAX_PHOTOS + 1, tile["number"])


def bio_to_text(stored: str) -> str:
    """For the textarea: the stored HTML bio without any tag."""
    parser = _BioText()
    parser.feed(stored or "")
    parser.close()
    lines = [line.strip() for line in "".join(parser.parts).split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def bio_from_text(text: str) -> str:
    """Back to what is stored: a paragraph per block of lines, line breaks kept,
    blocks of "- " lines as a list; every character of the text is text (escaped),
    and the result goes through the one sanitizer (``sanitize_bio``)."""
    blocks = re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n"))
    out = []
    for block in blocks:
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        if not lines:
            continue
        if all(line.startswith(LIST_MARKERS) for line in lines):
            items = "".join(
                f"<li>{html.escape(line[2:].strip(), quote=False)}</li>"
                for line in lines
            )
            out.append(f"<ul>{items}</ul>")
        else:
            body = "<br>".join(html.escape(line, quote=False) for line in lines)
            out.append(f"<p>{body}</p>")
    return sanitize_bio("".join(out))


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
        max_length=6000,
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "Plain text. Leave a blank line between paragraphs; start lines "
            "with “- ” for a list."
        ),
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
    primary_photo = forms.CharField(required=False, max_length=20)
    new_photo = forms.FileField(required=False, label=_("Add a photo"))
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
        # Without JavaScript the order is typed in; photo-order.js fills these
        # in when photos are dragged or moved with buttons.
        for n, photo in enumerate(photos, start=1):
            self.fields[f"position_{photo.image_id}"] = forms.IntegerField(
                required=False,
                min_value=1,
                max_value=MAX_PHOTOS,
                initial=n,
                label=_("Position"),
            )

    def photo_tiles(self) -> list[dict]:
        """For the template: each photo with its position field, its number and
        whether it is kept and primary (as submitted, else as saved)."""
        kept = {str(value) for value in (self["keep_photos"].value() or [])}
        primary = str(self["primary_photo"].value() or "")
        tiles = []
        for n, photo in enumerate(self.photos, start=1):
            tiles.append(
                {
                    "photo": photo,
                    "number": n,
                    "label": photo.caption or _("Photo %(n)s") % {"n": n},
                    "position": self[f"position_{photo.image_id}"],
                    "kept": str(photo.image_id) in kept,
                    "primary": str(photo.image_id) == primary,
                }
            )
        if self.is_bound:
            tiles.sort(key=lambda tile: _order_key(tile["position"].value(), tile))
        return tiles

    def clean_bio(self) -> str:
        text = self.cleaned_data["bio"]
        if has_control_characters(text, allowed=BODY_CONTROLS):
            raise forms.ValidationError(_("Control characters are not allowed."))
        stored = bio_from_text(text)
        if len(stored) > MAX_BIO_HTML:
            raise forms.ValidationError(
                _("Your bio is too long: shorten it by about %(n)s characters.")
                % {"n": len(stored) - MAX_BIO_HTML}
            )
        return stored

    def clean_primary_photo(self) -> str:
        value = self.cleaned_data["primary_photo"]
        allowed = {"", "new"} | {str(photo.image_id) for photo in self.photos}
        if value not in allowed:
            raise forms.ValidationError(_("Choose one of your photos."))
        return value

    def clean(self) -> dict:
        data = super().clean()
        kept = len(data.get("keep_photos") or [])
        if kept + bool(data.get("new_photo")) > MAX_PHOTOS:
            raise forms.ValidationError(_("At most %(n)s photos.") % {"n": MAX_PHOTOS})
        return data

    def ordered_photo_ids(self) -> list[int]:
        """The kept photos in the chosen order: by position, ties (and blanks)
        keep the saved order."""
        data = self.cleaned_data
        kept = set(data.get("keep_photos") or [])
        rows = [
            (data.get(f"position_{photo.image_id}"), n, photo.image_id)
            for n, photo in enumerate(self.photos)
            if photo.image_id in kept
        ]
        rows.sort(key=lambda row: (row[0] is None, row[0] or 0, row[1]))
        return [image_id for _position, _n, image_id in rows]

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
            for i in self.ordered_photo_ids()
        ]
        if new_image_id is not None:
            photos.append(
                PhotoInput(
                    image_id=new_image_id,
                    caption=data["new_photo_caption"],
                    is_primary=primary == "new",
                )
            )
        if photos and not any(photo.is_primary for photo in photos):
            # Always one primary photo: the first, unless another was chosen.
            photos[0] = replace(photos[0], is_primary=True)
        return ProfileEdit(
            display_name=data["display_name"],
            age=data["age"],
            home_city_id=data["home_city"].pk,
            tagline=data["tagline"],
            bio=data["bio"],  # already stored HTML (clean_bio)
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
        label=_("Amount"),
        max_digits=9,
        decimal_places=2,
        widget=forms.NumberInput(
            attrs={"inputmode": "decimal", "step": "0.01", "min": "0.01"}
        ),
        validators=[
            MinValueValidator(Decimal("0.01")),
            MaxValueValidator(to_major_units(MAX_RATE_MINOR)),
        ],
    )
    currency = forms.ChoiceField(label=_("Currency"), choices=BLANK + Currency.choices)


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
