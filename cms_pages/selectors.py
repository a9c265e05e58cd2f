"""Reads of the CMS app."""

from __future__ import annotations

from django.db.models import Q

from accounts.models import User
from cms_pages.models import CustomImage


def image_pending_for(*, user: User, name: str) -> CustomImage | None:
    """The image in review whose original or rendition is stored as ``name``, if
    ``user`` may see it: its uploader (the dashboard's preview) or anyone with
    Wagtail admin access (moderators reviewing the revision). Anyone else: None,
    which the view answers as 404."""
    if not user.is_authenticated:
        return None
    images = CustomImage.objects.filter(Q(file=name) | Q(renditions__file=name))
    if not user.has_perm("wagtailadmin.access_admin"):
        images = images.filter(uploaded_by_user=user)
    return images.first()
