"""The retention run log in the admin (Settings → Retention runs): read-only
evidence that the nightly schedule ran and what it removed."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from core.wagtail_admin import ReadOnlyModelViewSet
from privacy.models import RetentionRun


class RetentionRunViewSet(ReadOnlyModelViewSet):
    model = RetentionRun
    name = "retention_runs"
    url_prefix = "retention-runs"
    icon = "history"
    menu_label = _("Retention runs")
    menu_order = 910
    add_to_settings_menu = True
    list_display = ["class_key", "started_at", "finished_at", "affected", "error"]
    list_filter = ["class_key"]
    ordering = "-started_at"
    inspect_view_fields = [
        "class_key",
        "started_at",
        "finished_at",
        "affected",
        "error",
    ]


@hooks.register("register_admin_viewset")
def register_retention_runs() -> RetentionRunViewSet:
    return RetentionRunViewSet()
