"""Wagtail hooks of the automated checks (docs/automated-checks.md): the
admin lists of terms (``TextRule``, "Text check lists" under Reports) and the
answers to directory's profile-text hooks (directory/profile_checks.py).
Imported by ``ModerationConfig.ready``."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.models import Revision

from accounts.models import User
from directory.models import EscortProfilePage
from directory.profile_checks import PROFILE_FLAGGED_HOOK, PROFILE_TEXT_FLAGS_HOOK
from moderation.automated_models import TextRule
from moderation.checks import PROFILE, Flag, fields_flags, flags_report


class TextRuleViewSet(ModelViewSet):
    """Moderators add, change, switch off and delete terms (model permissions,
    granted to the Moderators group by migration 0005)."""

    model = TextRule
    icon = "list-ul"
    menu_label = _("Text check lists")
    menu_order = 251
    add_to_admin_menu = True
    url_prefix = "moderation/text-rules"
    name = "text_rules"
    form_fields = ["kind", "term", "is_active", "note"]
    list_display = ["term", "kind", "is_active", "note", "updated_at"]
    list_filter = ["kind", "is_active"]
    search_fields = ["term", "note"]
    ordering = ["kind", "term"]


@hooks.register("register_admin_viewset")
def register_text_rule_viewset() -> TextRuleViewSet:
    return TextRuleViewSet()


@hooks.register(PROFILE_TEXT_FLAGS_HOOK)
def profile_text_flags(*, fields: dict[str, str]) -> list[dict[str, Any]]:
    return [
        {**flag.as_dict(), "blocks": flag.blocks}
        for flag in fields_flags(fields, context=PROFILE)
    ]


@hooks.register(PROFILE_FLAGGED_HOOK)
def profile_submitted_with_flags(
    *,
    profile: EscortProfilePage,
    revision: Revision,
    actor: User,
    flags: list[dict[str, Any]],
) -> None:
    soft = [
        Flag(**{k: v for k, v in flag.items() if k != "blocks"})
        for flag in flags
        if not flag["blocks"]
    ]
    flags_report(
        target=profile,
        subject_user=profile.owner,
        flags=soft,
        what=f"profile revision {revision.pk}",
    )
