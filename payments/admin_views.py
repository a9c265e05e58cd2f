"""The payments admin (docs/payments.md, "Admin"): read-only listings of
payments, refunds, webhook events, ledger transactions and reconciliation
differences, plus three actions that go through the services: a refund (on a
payment's inspect page), an offline payment, and "Mark resolved" (on a
difference's inspect page). Seeing takes the "view" permission of each model;
acting takes ``payments.manage_payments`` (the Finance group, superusers)."""

from __future__ import annotations

import datetime as dt

import django_filters
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import Prefetch, QuerySet
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.views import View
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column, Table
from wagtail.admin.views.generic import InspectView

from core.exceptions import ApplicationError
from core.formatting import format_money, to_major_units, to_minor_units
from core.ids import MAX_ID
from payments.admin_forms import ManualPaymentForm, RefundForm, ResolveForm
from payments.models import (
    LedgerEntry,
    LedgerTransaction,
    Payment,
    ReconciliationIssue,
    Refund,
    WebhookEvent,
)
from payments.services import (
    payment_record_manual,
    payment_refund,
    reconciliation_issue_resolve,
)

MANAGE = "payments.manage_payments"
OFFLINE_REFERENCE = "payments.offline"


def may_manage(user: object) -> bool:
    return bool(getattr(user, "is_active", False)) and user.has_perm(MANAGE)


def _pk(value: object) -> int:
    pk = int(value)
    return pk if 0 < pk <= MAX_ID else 0


def _when(moment: dt.datetime | None) -> str:
    return f"{moment.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC" if moment else "—"


def _errors_of(error: ApplicationError) -> str:
    problems = [str(p) for ps in error.fields.values() for p in ps]
    return " ".join([error.message, *problems])


# --- querysets: every column's relation in one join ---------------------------


def payment_admin_queryset() -> QuerySet[Payment]:
    return Payment.objects.select_related("payer")


def refund_admin_queryset() -> QuerySet[Refund]:
    return Refund.objects.select_related("payment", "actor")


def webhook_admin_queryset() -> QuerySet[WebhookEvent]:
    # The payload can be large: the listing does not read it.
    return WebhookEvent.objects.defer("payload")


def ledger_admin_queryset() -> QuerySet[LedgerTransaction]:
    return LedgerTransaction.objects.prefetch_related(
        Prefetch("entries", LedgerEntry.objects.order_by("pk"))
    ).order_by("-created_at", "-pk")


def issue_admin_queryset() -> QuerySet[ReconciliationIssue]:
    return ReconciliationIssue.objects.select_related("payment", "resolved_by")


# --- filters ------------------------------------------------------------------


def _gateway_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in settings.PAYMENT_GATEWAYS]


class PaymentFilterSet(WagtailFilterSet):
    status = django_filters.MultipleChoiceFilter(
        label=_("Status"), choices=Payment.Status.choices
    )
    purpose = django_filters.ChoiceFilter(
        label=_("Purpose"), choices=Payment.Purpose.choices
    )
    gateway = django_filters.ChoiceFilter(label=_("Gateway"), choices=_gateway_choices)
    created_at = django_filters.DateFromToRangeFilter(
        label=_("Date"), widget=DateRangePickerWidget
    )

    class Meta:
        model = Payment
        fields = ["status", "purpose", "gateway", "created_at"]


class RefundFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Refund.Status.choices
    )

    class Meta:
        model = Refund
        fields = ["status"]


class WebhookEventFilterSet(WagtailFilterSet):
    type = django_filters.CharFilter(label=_("Type"), lookup_expr="icontains")
    processed = django_filters.BooleanFilter(
        label=_("Processed"),
        field_name="processed_at",
        lookup_expr="isnull",
        exclude=True,
    )
    outcome = django_filters.ChoiceFilter(
        label=_("Outcome"),
        choices=[(v, lbl) for v, lbl in WebhookEvent.Outcome.choices if v],
    )

    class Meta:
        model = WebhookEvent
        fields = ["type", "processed", "outcome"]


class LedgerFilterSet(WagtailFilterSet):
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=LedgerTransaction.Kind.choices
    )

    class Meta:
        model = LedgerTransaction
        fields = ["kind"]


class IssueFilterSet(WagtailFilterSet):
    open = django_filters.BooleanFilter(
        label=_("Open"), field_name="resolved_at", lookup_expr="isnull"
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=ReconciliationIssue.Kind.choices
    )

    class Meta:
        model = ReconciliationIssue
        fields = ["open", "kind"]


# --- columns ------------------------------------------------------------------


def payment_amount(payment: Payment) -> str:
    return format_money(payment.amount_minor, payment.currency)


def refunded_amount(payment: Payment) -> str:
    return format_money(payment.amount_refunded_minor, payment.currency)


def refund_amount(refund: Refund) -> str:
    return format_money(refund.amount_minor, refund.currency)


def ledger_entries(txn: LedgerTransaction) -> str:
    return "; ".join(
        f"{e.account} {format_money(e.amount_minor, e.currency)}"
        if e.amount_minor > 0
        else f"{e.account} −{format_money(-e.amount_minor, e.currency)}"
        for e in txn.entries.all()
    )


PAYMENT_COLUMNS = [
    "id",
    Column("payer", label=_("Payer"), accessor="payer.email"),
    Column("purpose", label=_("Purpose"), accessor="get_purpose_display"),
    Column("amount_minor", label=_("Amount"), accessor=payment_amount),
    Column("status", label=_("Status"), accessor="get_status_display"),
    Column("gateway", label=_("Gateway")),
    Column("gateway_payment_id", label=_("Gateway id")),
    Column("created_at", label=_("Created"), accessor=lambda p: _when(p.created_at)),
]
REFUND_COLUMNS = [
    "id",
    Column("payment", label=_("Payment"), accessor=lambda r: f"#{r.payment_id}"),
    Column("amount_minor", label=_("Amount"), accessor=refund_amount),
    Column("status", label=_("Status"), accessor="get_status_display"),
    Column("reason", label=_("Reason")),
    Column(
        "actor",
        label=_("By"),
        accessor=lambda r: r.actor.email if r.actor_id else _("Platform"),
    ),
    Column("created_at", label=_("Created"), accessor=lambda r: _when(r.created_at)),
]
WEBHOOK_COLUMNS = [
    "id",
    Column("gateway", label=_("Gateway")),
    Column("type", label=_("Type")),
    Column("event_id", label=_("Event id")),
    Column("received_at", label=_("Received"), accessor=lambda e: _when(e.received_at)),
    Column(
        "processed_at", label=_("Processed"), accessor=lambda e: _when(e.processed_at)
    ),
    Column("outcome", label=_("Outcome"), accessor="get_outcome_display"),
]
LEDGER_COLUMNS = [
    "id",
    Column("kind", label=_("Kind"), accessor="get_kind_display"),
    Column(
        "cause", label=_("Cause"), accessor=lambda t: f"{t.cause_type}:{t.cause_id}"
    ),
    Column("entries", label=_("Entries"), accessor=ledger_entries),
    Column("created_at", label=_("Posted"), accessor=lambda t: _when(t.created_at)),
]
ISSUE_COLUMNS = [
    "id",
    Column("kind", label=_("Difference"), accessor="get_kind_display"),
    Column("object_type", label=_("Object"), accessor="get_object_type_display"),
    Column("gateway_object_id", label=_("Gateway id")),
    Column("ours", label=_("Ours")),
    Column("theirs", label=_("Gateway's")),
    Column("found_at", label=_("Found"), accessor=lambda i: _when(i.found_at)),
    Column("resolved_at", label=_("Resolved"), accessor=lambda i: _when(i.resolved_at)),
]


# --- inspect views ------------------------------------------------------------


class PaymentInspectView(InspectView):
    """A payment, its refunds, and the refund form (Finance, superusers).
    The form posts here; errors show beside the fields."""

    template_name = "payments/admin/payment_inspect.html"

    def get_object(self, queryset: QuerySet | None = None) -> Payment:
        refunds = Refund.objects.select_related("actor").order_by("created_at", "pk")
        return get_object_or_404(
            payment_admin_queryset().prefetch_related(Prefetch("refunds", refunds)),
            pk=_pk(self.pk),
        )

    def get_fields(self) -> list[str]:
        return [*super().get_fields(), "refund_history"]

    def get_field_label(self, field_name: str, field: object) -> str:
        if field_name == "refund_history":
            return str(_("Refunds"))
        return super().get_field_label(field_name, field)

    def get_amount_minor_display_value(self) -> str:
        return payment_amount(self.object)

    def get_amount_refunded_minor_display_value(self) -> str:
        return refunded_amount(self.object)

    def get_payer_display_value(self) -> str:
        return self.object.payer.email

    def get_refund_history_display_value(self) -> Table | str:
        refunds = list(self.object.refunds.all())
        if not refunds:
            return str(_("None"))
        return Table(REFUND_COLUMNS[2:], refunds)

    def refundable_now(self) -> int:
        """Paid minus refunded minus refunds in flight: the form's default."""
        in_flight = sum(
            r.amount_minor
            for r in self.object.refunds.all()
            if r.status == Refund.Status.PENDING
        )
        return max(self.object.refundable_minor - in_flight, 0)

    def may_refund(self) -> bool:
        return may_manage(self.request.user) and self.object.status in (
            Payment.Status.SUCCEEDED,
            Payment.Status.PARTIALLY_REFUNDED,
        )

    def get_context_data(self, **kwargs) -> dict:  # noqa: ANN003
        context = super().get_context_data(**kwargs)
        form = kwargs.get("refund_form")
        if form is None and self.may_refund():
            form = RefundForm(initial={"amount": to_major_units(self.refundable_now())})
        context |= {
            "payment": self.object,
            "may_refund": self.may_refund(),
            "refund_form": form,
            "refundable": format_money(self.refundable_now(), self.object.currency),
        }
        return context

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:  # noqa: ANN002, ANN003
        self.object = self.get_object()
        if not self.may_refund():
            raise DjangoPermissionDenied
        form = RefundForm(request.POST)
        if form.is_valid():
            amount_minor = to_minor_units(form.cleaned_data["amount"])
            try:
                refund = payment_refund(
                    payment=self.object,
                    amount_minor=amount_minor,
                    reason=form.cleaned_data["reason"],
                    actor=request.user,
                )
            except ApplicationError as error:
                _form_error(form, error, amount_field="amount")
            else:
                messages.success(
                    request,
                    _("Refunded %(amount)s. The audit log has the reason.")
                    % {"amount": refund_amount(refund)},
                )
                return redirect(request.path)
        self.object = self.get_object()
        context = self.get_context_data(refund_form=form)
        return self.render_to_response(context, status=400)


def _form_error(form: Form, error: ApplicationError, *, amount_field: str) -> None:
    if error.code == "gateway_unreachable":
        form.add_error(
            None,
            _(
                "The payment service cannot be reached, so nothing was "
                "refunded. Try again in a moment."
            ),
        )
    elif error.code in ("refund_exceeds_paid", "invalid_amount"):
        form.add_error(amount_field, _errors_of(error))
    else:
        form.add_error(None, _errors_of(error))


class LedgerTransactionInspectView(InspectView):
    def get_object(self, queryset: QuerySet | None = None) -> LedgerTransaction:
        return get_object_or_404(ledger_admin_queryset(), pk=_pk(self.pk))

    def get_fields(self) -> list[str]:
        return [*super().get_fields(), "entry_table"]

    def get_field_label(self, field_name: str, field: object) -> str:
        if field_name == "entry_table":
            return str(_("Entries"))
        return super().get_field_label(field_name, field)

    def get_entry_table_display_value(self) -> Table:
        columns = [
            Column("account", label=_("Account")),
            Column(
                "amount_minor",
                label=_("Amount (+ debit, − credit)"),
                accessor=lambda e: f"{e.amount_minor:+d} {e.currency}",
            ),
        ]
        return Table(columns, list(self.object.entries.all()))


class IssueInspectView(InspectView):
    template_name = "payments/admin/issue_inspect.html"

    def get_object(self, queryset: QuerySet | None = None) -> ReconciliationIssue:
        return get_object_or_404(issue_admin_queryset(), pk=_pk(self.pk))

    def may_resolve(self) -> bool:
        return may_manage(self.request.user) and self.object.resolved_at is None

    def get_context_data(self, **kwargs) -> dict:  # noqa: ANN003
        context = super().get_context_data(**kwargs)
        form = kwargs.get("resolve_form")
        if form is None and self.may_resolve():
            form = ResolveForm()
        return context | {
            "issue": self.object,
            "may_resolve": self.may_resolve(),
            "resolve_form": form,
        }

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:  # noqa: ANN002, ANN003
        self.object = self.get_object()
        if not may_manage(request.user):
            raise DjangoPermissionDenied
        form = ResolveForm(request.POST)
        if form.is_valid():
            try:
                reconciliation_issue_resolve(
                    issue=self.object,
                    actor=request.user,
                    reason=form.cleaned_data["reason"],
                )
            except ApplicationError as error:
                form.add_error(None, _errors_of(error))
            else:
                messages.success(request, _("Marked resolved."))
                return redirect(request.path)
        self.object = self.get_object()
        return self.render_to_response(
            self.get_context_data(resolve_form=form), status=400
        )


# --- the offline payment form ---------------------------------------------------


class ManualPaymentView(View):
    """An admin records money received offline (manual gateway):
    payments.services.payment_record_manual, audited. The reference makes it
    idempotent: the same reference twice is refused."""

    template_name = "payments/admin/manual_payment.html"

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:  # noqa: ANN002, ANN003
        if not may_manage(request.user):
            raise DjangoPermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(request, ManualPaymentForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = ManualPaymentForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                payment = payment_record_manual(
                    payer=data["payer_email"],
                    amount_minor=to_minor_units(data["amount"]),
                    currency=data["currency"],
                    purpose=data["purpose"],
                    reference=(OFFLINE_REFERENCE, data["reference"]),
                    actor=request.user,
                    note=data["note"],
                )
            except ApplicationError as error:
                if error.code == "already_paid":
                    form.add_error(
                        "reference", _("A payment with this reference is recorded.")
                    )
                else:
                    form.add_error(None, _errors_of(error))
            else:
                messages.success(
                    request,
                    _("Recorded %(amount)s from %(email)s.")
                    % {"amount": payment_amount(payment), "email": payment.payer.email},
                )
                return redirect("payments_admin:inspect", payment.pk)
        return self._render(request, form, status=400)

    def _render(
        self, request: HttpRequest, form: ManualPaymentForm, status: int = 200
    ) -> HttpResponse:
        return TemplateResponse(
            request, self.template_name, {"form": form}, status=status
        )
