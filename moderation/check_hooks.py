"""Wagtail hooks of the automated checks (docs/automated-checks.md): the
admin lists of terms (``TextRule``, "Text check lists" under Reports) and the
answers to directory's profile-text hooks (directory/profile_checks.py).
Imported by ``ModerationConfig.ready``."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.views.generic import CreateView, DeleteView, EditView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.models import Revision

from accounts.models import User
from directory.models import EscortProfilePage
from directory.profile_checks import PROFILE_FLAGGED_HOOK, PROFILE_TEXT_FLAGS_HOOK
from moderation.automated_models import TextRule
from moderation.check_events import (
    text_rule_added_event,
    text_rule_changed_event,
    text_rule_deleted_event,
)
from moderation.checks import PROFILE, Flag, fields_flags, flags_report


class TextRuleCreateView(CreateView):
    @transaction.atomic
    def save_instance(self) -> TextRule:
        rule = super().save_instance()
        text_rule_added_event(rule=rule, actor=self.request.user)
        return rule


class TextRuleEditView(EditView):
    @transaction.atomic
    def save_instance(self) -> TextRule:
        rule = super().save_instance()
        text_rule_changed_event(rule=rule, actor=self.request.user)
        return rule


class TextRuleDeleteView(DeleteView):
    def delete_action(self) -> None:
        with transaction.atomic():
            text_rule_deleted_event(rule=self.object, actor=self.request.user)
            super().delete_action()


class TextRuleViewSet(ModelViewSet):
    """Moderators add, change, switch off and delete terms (model permissions,
    granted to the Moderators group by migration 0005); each change is audited
    and drops the cached lists (moderation.automated_signals)."""

    model = TextRule
    add_view_class = TextRuleCreateView
    edit_view_class = TextRuleEditView
    delete_view_class = TextRuleDeleteView
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
