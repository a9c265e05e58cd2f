"""The audit log in the Wagtail admin: read-only (the database refuses any
change anyway), newest first, for superusers and holders of "view audit entry"
(the Moderators group, by migration). Searchable, filterable and exportable as
CSV (audit/admin_views.py, docs/audit.md)."""

from __future__ import annotations

from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from audit.admin_views import AuditEntryFilterSet, AuditEntryIndexView
from audit.events import setting_changed_event
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
    index_view_class = AuditEntryIndexView
    filterset_class = AuditEntryFilterSet
    # Marks the listing searchable; the search itself is audit_search (action,
    # actor, target and reason).
    search_fields = ["action", "actor_label", "target_label", "reason"]
    list_export = [
        "created_at",
        "actor_id",
        "actor_label",
        "action",
        "target_type",
        "target_id",
        "target_label",
        "reason",
        "data",
    ]
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


@hooks.register("after_edit_setting")
def audit_setting_edit(request: HttpRequest, instance: models.Model) -> None:
    """Every saved settings form in the admin (feature switches, site settings)
    is an admin action: audited with the values it saved. Wagtail calls this
    hook only after a valid form was saved."""
    setting_changed_event(setting=instance, actor=request.user)
