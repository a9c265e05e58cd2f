"""Wagtail admin pieces for bookings: the listing's filters and columns, and an
inspect view that shows the booking's history.

Bookings change only through ``bookings.services`` (transitions, events, the
overlap constraint's 409): the admin may look, never write, whoever asks."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import django_filters
from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column, Table
from wagtail.admin.views.generic import InspectView

from bookings.models import Booking, BookingEvent
from directory.models import CityPage, EscortProfilePage


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
