"""Bookings admin: a read-only listing for moderators, with each booking's event
history on its inspect page.

Seeing it takes the "view booking" permission (the Moderators group has it by
migration; superusers have every permission). Nobody adds, edits or deletes a
booking here, superusers included: writes go through ``bookings.services`` so
that every change is a checked transition with its BookingEvent."""

from __future__ import annotations

from django.db.models import Q
from django.http import HttpRequest
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column

from accounts.models import User
from bookings import payout_views
from bookings.admin_views import (
    BookingFilterSet,
    BookingInspectView,
    LocalStartColumn,
    booking_admin_queryset,
)
from bookings.models import Booking
from bookings.profile_calendar import availability_calendar, takes_bookings
from core.wagtail_admin import ReadOnlyModelViewSet
from directory.models import EscortProfilePage
from directory.profile_page import PROFILE_CONTEXT_HOOK
from directory.selectors import provider_side_q


class BookingViewSet(ReadOnlyModelViewSet):
    model = Booking
    name = "bookings"
    url_prefix = "bookings"
    icon = "date"
    menu_label = _("Bookings")
    menu_order = 260
    add_to_admin_menu = True
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

    def get_index_view_kwargs(self, **kwargs) -> dict:
        return super().get_index_view_kwargs(
            queryset=booking_admin_queryset(), **kwargs
        )


@hooks.register("register_admin_viewset")
def register_booking_viewset() -> BookingViewSet:
    return BookingViewSet()


@hooks.register(PROFILE_CONTEXT_HOOK)
def add_availability_calendar(
    page: EscortProfilePage, request: HttpRequest | None, context: dict
) -> None:
    """The profile page's 14-day calendar (bookings/profile_calendar.py). A page
    never saved (a first preview) has no hours yet; a messages-only profile
    offers no times."""
    if page.pk is not None and takes_bookings(page):
        context["availability"] = availability_calendar(profile=page)


# moderation.reporting.USER_CONTACT_HOOK, by name: bookings may not import
# moderation (pyproject.toml, contract "bookings").
@hooks.register("moderation_user_contact")
def users_share_a_booking(*, user: User, other_id: int) -> bool:
    """One may report a user one has a booking with (moderation.reporting):
    the client, or someone on the provider side of the booked profile."""
    other = User(pk=other_id)
    return Booking.objects.filter(
        Q(provider_side_q(user=other, prefix="profile__"), client=user)
        | Q(provider_side_q(user=user, prefix="profile__"), client=other)
    ).exists()


class PayoutsMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return payout_views.user_may_pay_out(request.user)


@hooks.register("register_admin_urls")
def register_payout_urls() -> list:
    urls = [
        path("", payout_views.payouts, name="index"),
        path("payouts.csv", payout_views.payouts_csv, name="csv"),
        path("mark-paid/", payout_views.payout_mark, name="mark"),
    ]
    return [path("payouts/", include((urls, "bookings_payouts")))]


@hooks.register("register_admin_menu_item")
def register_payouts_menu_item() -> MenuItem:
    return PayoutsMenuItem(
        _("Payouts"),
        reverse("bookings_payouts:index"),
        name="payouts",
        icon_name="tasks",
        order=265,
    )
