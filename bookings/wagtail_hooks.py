"""Bookings admin: a read-only listing for moderators, with each booking's event
history on its inspect page.

Seeing it takes the "view booking" permission (the Moderators group has it by
migration; superusers have every permission). Nobody adds, edits or deletes a
booking here, superusers included: writes go through ``bookings.services`` so
that every change is a checked transition with its BookingEvent."""

from __future__ import annotations

from django.contrib.auth.models import Permission
from django.db.models import QuerySet
from django.urls import path
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.model import ModelViewSet

from bookings.admin_views import (
    BookingFilterSet,
    BookingInspectView,
    InspectURLFinder,
    LocalStartColumn,
    ReadOnlyPermissionPolicy,
    booking_admin_queryset,
)
from bookings.models import Booking

# Views a write would go through, and Wagtail's own log and usage pages (the
# booking's history is its BookingEvent rows, shown on the inspect page): no view
# is told their URL names, and get_urlpatterns does not register them.
LEFT_OUT = ("add", "edit", "delete", "copy", "history", "history_results", "usage")


class BookingViewSet(ModelViewSet):
    model = Booking
    name = "bookings"
    url_prefix = "bookings"
    icon = "date"
    menu_label = _("Bookings")
    menu_order = 260
    add_to_admin_menu = True
    copy_view_enabled = False
    # Bookings are records, not content: registering them would write reference
    # index rows on every booking save and count bookings as "usage" of profiles.
    add_to_reference_index = False
    inspect_view_enabled = True
    inspect_view_class = BookingInspectView
    list_display = [
        "id",
        "profile",
        Column("client_email", label=_("Client email"), accessor="client.email"),
        "city",
        LocalStartColumn(),
        "status",
    ]
    filterset_class = BookingFilterSet
    search_fields = ["profile__title", "client__email"]
    ordering = "-start"
    inspect_view_fields = [
        "id",
        "status",
        "profile",
        "client",
        "city",
        "start",
        "end",
        "duration_minutes",
        "location",
        "price_minor",
        "currency",
        "deposit_minor",
        "note",
        "expires_at",
        "reschedule_count",
        "reminder_sent_at",
        "created_at",
        "updated_at",
    ]

    @cached_property
    def permission_policy(self) -> ReadOnlyPermissionPolicy:
        return ReadOnlyPermissionPolicy(self.model)

    @property
    def url_finder_class(self) -> type[InspectURLFinder]:
        return type(
            "BookingURLFinder",
            (InspectURLFinder,),
            {
                "permission_policy": self.permission_policy,
                "edit_url_name": self.get_url_name("inspect"),
            },
        )

    def get_index_view_kwargs(self, **kwargs) -> dict:
        return super().get_index_view_kwargs(
            queryset=booking_admin_queryset(), **kwargs
        )

    def get_common_view_kwargs(self, **kwargs) -> dict:
        left_out = {f"{name}_url_name": None for name in LEFT_OUT}
        return super().get_common_view_kwargs(**{**left_out, **kwargs})

    def get_urlpatterns(self) -> list:
        # Written out rather than filtered from super(): building the add and
        # edit views would need a form, and no URL means no write can be tried.
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("inspect/<int:pk>/", self.inspect_view, name="inspect"),
        ]

    def get_permissions_to_register(self) -> QuerySet[Permission]:
        # Offer only "view" in Wagtail's group settings: add/change/delete would
        # be checkboxes that do nothing.
        return super().get_permissions_to_register().filter(codename="view_booking")


@hooks.register("register_admin_viewset")
def register_booking_viewset() -> BookingViewSet:
    return BookingViewSet()
