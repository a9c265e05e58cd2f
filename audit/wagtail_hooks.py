"""The audit log in the Wagtail admin: read-only (the database refuses any
change anyway), newest first, for superusers and holders of "view audit entry"
(the Moderators group, by migration)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from audit.models import AuditEntry
from core.wagtail_admin import ReadOnlyModelViewSet


class AuditEntryViewSet(ReadOnlyModelViewSet):
    model = AuditEntry
    name = "audit"
    url_prefix = "audit"
    icon = "history"
    menu_label = _("Audit log")
    menu_order = 900
    add_to_admin_menu = True
    list_display = ["created_at", "actor_label", "action", "target_label", "reason"]
    list_filter = ["action", "target_type"]
    search_fields = ["actor_label", "target_label", "action"]
    ordering = ["-created_at", "-id"]
    inspect_view_fields = [
        "created_at",
        "actor_label",
        "action",
        "target_type",
        "target_id",
        "target_label",
        "reason",
        "data",
    ]


@hooks.register("register_admin_viewset")
def register_audit_viewset() -> AuditEntryViewSet:
    return AuditEntryViewSet()
