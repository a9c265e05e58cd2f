"""Panels of the profile editor in the Wagtail admin. Imported by
``directory.models``, so it imports no directory model."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import Panel

from accounts.selectors import user_is_moderator


class ModerationBadgesPanel(Panel):
    """Read-only badges on the profile editor's "Set by moderators" group:
    "Photos verified" (it follows the photos of the version being edited,
    directory.photo_badges) and VIP, with the moderators' link to change VIP
    (an audited action, ``directory.admin_views.ProfileVipView``)."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("heading", _("Badges"))
        super().__init__(**kwargs)

    class BoundPanel(Panel.BoundPanel):
        template_name = "directory/admin/moderation_badges_panel.html"

        def get_context_data(self, parent_context: dict | None = None) -> dict:
            context = super().get_context_data(parent_context)
            profile = self.instance
            context["photos_verified_at"] = profile.photos_verified_at
            context["is_vip"] = profile.is_vip
            user = getattr(self.request, "user", None)
            if profile.pk and user is not None and user_is_moderator(user=user):
                context["vip_url"] = reverse("directory_vip:edit", args=[profile.pk])
            return context
