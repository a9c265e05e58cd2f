"""Notification delivery failures in the Wagtail admin: emails the transport
refused after every retry, newest first. Read-only (the deliveries are records);
superusers see it, and any group given "view email delivery"."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column

from core.wagtail_admin import ReadOnlyModelViewSet
from notifications.models import EmailDelivery, Kind


class DeliveryFilterSet(WagtailFilterSet):
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Kind.choices)

    class Meta:
        model = EmailDelivery
        fields = ["kind"]


class FailedEmailViewSet(ReadOnlyModelViewSet):
    model = EmailDelivery
    name = "notification_failures"
    url_prefix = "notification-failures"
    icon = "warning"
    menu_label = _("Notification failures")
    menu_order = 900
    add_to_settings_menu = True
    list_display = [
        "created_at",
        Column("recipient", label=_("Recipient"), accessor="recipient.email"),
        "kind",
        "subject",
        "attempts",
        "last_error",
    ]
    filterset_class = DeliveryFilterSet
    search_fields = ["subject", "recipient__email"]
    ordering = "-created_at"
    inspect_view_fields = [
        "recipient",
        "kind",
        "subject",
        "body",
        "status",
        "attempts",
        "last_error",
        "created_at",
    ]

    def get_index_view_kwargs(self, **kwargs) -> dict:  # noqa: ANN003
        return super().get_index_view_kwargs(queryset=failed_deliveries(), **kwargs)


def failed_deliveries() -> QuerySet[EmailDelivery]:
    return EmailDelivery.objects.filter(
        status=EmailDelivery.Status.FAILED
    ).select_related("recipient")


@hooks.register("register_admin_viewset")
def register_failed_email_viewset() -> FailedEmailViewSet:
    return FailedEmailViewSet()
