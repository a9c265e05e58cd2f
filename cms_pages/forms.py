"""The Wagtail admin's image form (``WAGTAILIMAGES_IMAGE_FORM_BASE``)."""

from __future__ import annotations

from django.utils.text import capfirst
from wagtail.images.forms import BaseImageForm

from cms_pages.uploads import HeaderCheckedImageField


class CustomImageForm(BaseImageForm):
    """Wagtail's own form; only the file field refuses too many pixels before
    decoding (cms_pages.uploads.HeaderCheckedImageField)."""

    file = HeaderCheckedImageField(
        label=capfirst("file"), widget=BaseImageForm.Meta.widgets["file"]
    )
