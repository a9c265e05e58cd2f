"""Wagtail admin pieces for bookings: a read-only permission policy, the listing's
filters and columns, and an inspect view that shows the booking's history.

Bookings change only through ``bookings.services`` (transitions, events, the
overlap constraint's 409): the admin may look, never write, whoever asks."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable

import django_filters
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.admin_url_finder import ModelAdminURLFinder
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column, Table
from wagtail.admin.views.generic import InspectView
from wagtail.permission_policies import ModelPermissionPolicy

from bookings.models import Booking, BookingEvent
from cms_pages.models import CityPage
from directory.models import EscortProfilePage

READ_ONLY_ACTIONS = frozenset({"view"})
Anyone = AbstractBaseUser | AnonymousUser


class ReadOnlyPermissionPolicy(ModelPermissionPolicy):
    """Django's model permissions, minus every write. Superusers pass any
    ``has_perm`` check, so the refusal has to be here, not in group settings."""

    def user_has_permission(self, user: Anyone, action: str) -> bool:
        return action in READ_ONLY_ACTIONS and super().user_has_permission(user, action)

    def users_with_any_permission(self, actions: Iterable[str]) -> QuerySet:
        allowed = [action for action in actions if action in READ_ONLY_ACTIONS]
        if not allowed:
            return super().users_with_any_permission([]).none()
        return super().users_with_any_permission(allowed)


class InspectURLFinder(ModelAdminURLFinder):
    """Links from elsewhere in the admin (audit log, search) go to the inspect
    page: there is no edit page to link to."""

    def construct_edit_url(self, instance: Booking) -> str:
        return reverse(self.edit_url_name, args=(instance.pk,))

    def get_edit_url(self, instance: Booking) -> str | None:
        if self.user is not None and not self.permission_policy.user_has_permission(
            self.user, "view"
        ):
            return None
        return self.construct_edit_url(instance)


def booking_admin_queryset() -> QuerySet[Booking]:
    # Every column reads the profile, client and city: one join, not one query
    # per row.
    return Booking.objects.select_related("profile", "client", "city")


class BookingFilterSet(WagtailFilterSet):
    status = django_filters.MultipleChoiceFilter(
        label=_("Status"), choices=Booking.Status.choices
    )
    city = django_filters.ModelChoiceFilter(
        label=_("City"), queryset=CityPage.objects.order_by("title")
    )
    start = django_filters.DateFromToRangeFilter(
        label=_("Start date"), widget=DateRangePickerWidget
    )
    profile = django_filters.ModelChoiceFilter(
        label=_("Profile"),
        # Only profiles that have bookings: a select of every profile would not
        # help anyone find one.
        queryset=EscortProfilePage.objects.filter(
            pk__in=Booking.objects.values("profile_id")
        ).order_by("title"),
    )

    class Meta:
        model = Booking
        fields = ["status", "city", "start", "profile"]


def local_start(booking: Booking) -> str:
    """The start as the people meeting read it: in the city's time zone."""
    zone = zoneinfo.ZoneInfo(booking.city.time_zone)
    local = booking.start.astimezone(zone)
    return f"{local:%Y-%m-%d %H:%M} {local.tzname()} ({booking.city.time_zone})"


class LocalStartColumn(Column):
    def __init__(self) -> None:
        super().__init__(
            "start",
            label=_("Start (local time)"),
            accessor=local_start,
            sort_key="start",
        )


def _actor_label(event: BookingEvent) -> str:
    if event.actor_id is None:
        return str(_("System"))
    if event.actor_id == event.booking.client_id:
        return _("Client (%(email)s)") % {"email": event.actor.email}
    return _("Provider side (%(email)s)") % {"email": event.actor.email}


def _event_time(event: BookingEvent) -> str:
    return f"{event.created_at.astimezone(dt.UTC):%Y-%m-%d %H:%M:%S} UTC"


EVENT_COLUMNS = [
    Column("created_at", label=_("When"), accessor=_event_time),
    Column("from_status", label=_("From")),
    Column("to_status", label=_("To")),
    Column("actor", label=_("By"), accessor=_actor_label),
    Column("reason", label=_("Reason")),
]


class BookingInspectView(InspectView):
    """The booking's fields, then its append-only event history."""

    def get_object(self, queryset: QuerySet | None = None) -> Booking:
        events = BookingEvent.objects.select_related("actor").order_by(
            "created_at", "id"
        )
        return get_object_or_404(
            booking_admin_queryset().prefetch_related(Prefetch("events", events)),
            pk=self.pk,
        )

    def get_fields(self) -> list[str]:
        return [*super().get_fields(), "history"]

    def get_field_label(self, field_name: str, field: object) -> str:
        if field_name == "history":
            return str(_("History"))
        return super().get_field_label(field_name, field)

    def get_start_display_value(self) -> str:
        return local_start(self.object)

    def get_history_display_value(self) -> Table:
        events = list(self.object.events.all())
        for event in events:
            event.booking = self.object  # the actor label compares with the client
        return Table(EVENT_COLUMNS, events)
