"""The payments admin: one "Payments" menu with the listings (read-only:
money moves only through payments.services) and the offline payment form.
Seeing a listing takes its model's "view" permission (the Finance group has
them by migration 0004; superusers have every permission); refunding,
recording and resolving take ``payments.manage_payments``. Other staff see no
payments menu and get 403 on its URLs."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import path
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup

from core.wagtail_admin import ReadOnlyModelViewSet
from payments import admin_views as v
from payments.models import (
    LedgerTransaction,
    Payment,
    ReconciliationIssue,
    Refund,
    WebhookEvent,
)


class PaymentViewSet(ReadOnlyModelViewSet):
    model = Payment
    # Not "payments": the site's webhook URLs own that namespace.
    name = "payments_admin"
    url_prefix = "payments/payments"
    icon = "doc-full"
    menu_label = _("Payments")
    inspect_view_class = v.PaymentInspectView
    list_display = v.PAYMENT_COLUMNS
    filterset_class = v.PaymentFilterSet
    search_fields = ["gateway_payment_id", "payer__email"]
    inspect_view_fields = [
        "id",
        "status",
        "payer",
        "purpose",
        "reference_type",
        "reference_id",
        "amount_minor",
        "amount_refunded_minor",
        "gateway",
        "gateway_payment_id",
        "failure_code",
        "failure_message",
        "succeeded_at",
        "created_at",
        "updated_at",
    ]

    def get_index_view_kwargs(self, **kwargs) -> dict:  # noqa: ANN003
        return super().get_index_view_kwargs(
            queryset=v.payment_admin_queryset(), **kwargs
        )


class RefundViewSet(ReadOnlyModelViewSet):
    model = Refund
    name = "payments_refunds"
    url_prefix = "payments/refunds"
    icon = "undo"
    menu_label = _("Refunds")
    list_display = v.REFUND_COLUMNS
    filterset_class = v.RefundFilterSet
    search_fields = ["gateway_refund_id", "payment__payer__email", "reason"]
    inspect_view_fields = [
        "id",
        "payment",
        "amount_minor",
        "currency",
        "status",
        "reason",
        "actor",
        "gateway_refund_id",
        "created_at",
        "updated_at",
    ]

    def get_index_view_kwargs(self, **kwargs) -> dict:  # noqa: ANN003
        return super().get_index_view_kwargs(
            queryset=v.refund_admin_queryset(), **kwargs
        )


class WebhookEventViewSet(ReadOnlyModelViewSet):
    model = WebhookEvent
    name = "payments_webhooks"
    url_prefix = "payments/webhooks"
    icon = "resubmit"
    menu_label = _("Webhook events")
    list_display = v.WEBHOOK_COLUMNS
    filterset_class = v.WebhookEventFilterSet
    search_fields = ["event_id"]
    inspect_view_fields = [
        "id",
        "gateway",
        "event_id",
        "type",
        "received_at",
        "processed_at",
        "outcome",
        "payload",
    ]

    def get_index_view_kwargs(self, **kwargs) -> dict:  # noqa: ANN003
        return super().get_index_view_kwargs(
            queryset=v.webhook_admin_queryset(), **kwargs
        )


class LedgerTransactionViewSet(ReadOnlyModelViewSet):
    model = LedgerTransaction
    name = "payments_ledger"
    url_prefix = "payments/ledger"
    icon = "list-ul"
    menu_label = _("Ledger")
    inspect_view_class = v.LedgerTransactionInspectView
    list_display = v.LEDGER_COLUMNS
    filterset_class = v.LedgerFilterSet
    inspect_view_fields = ["id", "kind", "cause_type", "cause_id", "created_at"]

    def get_index_view_kwargs(self, **kwargs) -> dict:  # noqa: ANN003
        return super().get_index_view_kwargs(
            queryset=v.ledger_admin_queryset(), **kwargs
        )


class ReconciliationIssueViewSet(ReadOnlyModelViewSet):
    model = ReconciliationIssue
    name = "payments_reconciliation"
    url_prefix = "payments/reconciliation"
    icon = "warning"
    menu_label = _("Reconciliation")
    inspect_view_class = v.IssueInspectView
    list_display = v.ISSUE_COLUMNS
    filterset_class = v.IssueFilterSet
    search_fields = ["gateway_object_id"]
    inspect_view_fields = [
        "id",
        "kind",
        "object_type",
        "gateway",
        "gateway_object_id",
        "payment",
        "ours",
        "theirs",
        "run",
        "found_at",
        "resolved_at",
        "resolved_by",
        "resolution",
    ]

    def get_index_view_kwargs(self, **kwargs) -> dict:  # noqa: ANN003
        return super().get_index_view_kwargs(
            queryset=v.issue_admin_queryset(), **kwargs
        )


class ManualPaymentViewSet(ViewSet):
    """Not a model listing: the one form for recording an offline payment."""

    name = "payments_record"
    url_prefix = "payments/record"
    icon = "plus"
    menu_label = _("Record offline payment")

    @cached_property
    def menu_item_class(self) -> type[MenuItem]:
        def is_shown(_self: MenuItem, request: HttpRequest) -> bool:
            return v.may_manage(request.user)

        return type("ManualPaymentMenuItem", (MenuItem,), {"is_shown": is_shown})

    def get_urlpatterns(self) -> list:
        return [path("", v.ManualPaymentView.as_view(), name="record")]


class PaymentsViewSetGroup(ViewSetGroup):
    menu_label = _("Payments")
    menu_icon = "doc-full"
    menu_order = 280
    items = (
        PaymentViewSet,
        RefundViewSet,
        WebhookEventViewSet,
        LedgerTransactionViewSet,
        ReconciliationIssueViewSet,
        ManualPaymentViewSet,
    )


@hooks.register("register_admin_viewset")
def register_payments_viewsets() -> PaymentsViewSetGroup:
    return PaymentsViewSetGroup()
