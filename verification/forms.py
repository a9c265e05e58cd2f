from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class VerificationUploadForm(forms.Form):
    """The provider's upload. The code comes with the page (hidden): what the
    moderator compares is the code on the selfie against the one recorded."""

    code = forms.CharField(max_length=20, widget=forms.HiddenInput)
    document = forms.FileField(
        label=_("Identity document"),
        help_text=_(
            "Passport, identity card or driving licence: a clear photo (JPEG, PNG, "
            "WebP) or a PDF scan, at most 10 MB."
        ),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,application/pdf"}
        ),
    )
    selfie = forms.FileField(
        label=_("Selfie holding the code"),
        help_text=_(
            "Your face and the paper with the code, both readable (JPEG, PNG or "
            "WebP). On a phone this opens the front camera."
        ),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp", "capture": "user"}
        ),
    )
