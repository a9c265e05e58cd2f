"""SearchParams: the validated, typed form of a search request, shared by the JSON
API and the HTML page so both refuse the same bad input the same way."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.exceptions import ValidationFailed
from directory.models import CityPage, Language, Service

SORTS = ("recommended", "price_asc", "price_desc", "rating", "newest", "distance")
# What people read in the sort menus (the values stay the API's).
SORT_LABELS = {
    "recommended": _("Recommended"),
    "price_asc": _("Price: low to high"),
    "price_desc": _("Price: high to low"),
    "rating": _("Best rated"),
    "newest": _("Newest"),
    "distance": _("Nearest"),
}
MAX_RADIUS_KM = 500
MAX_PRICE = 10_000  # EUR per hour: a guard against typos, well above any rate
MAX_AVAILABLE_WINDOW = dt.timedelta(days=7)
LIST_PARAMS = ("services", "languages")

# One human message per parameter, whatever DRF found wrong with it (a type, a
# range, an unknown value): errors speak to people, never in field names. The
# HTML page shows them as they are; the API answers them under ``fields``.
FIELD_MESSAGES = {
    "q": _("Enter at most 200 characters to search for."),
    "city": _("Choose a city from the list."),
    "lat": _("Choose a place on the map (latitude between -90 and 90)."),
    "lng": _("Choose a place on the map (longitude between -180 and 180)."),
    "radius_km": _("Enter a distance between 0.1 and 500 km."),
    "price_min": _("Enter a price between 0 and 10,000 (EUR per hour)."),
    "price_max": _("Enter a price between 0 and 10,000 (EUR per hour)."),
    "services": _("Choose services from the list."),
    "services_mode": _("Choose whether profiles offer all or any of the services."),
    "languages": _("Choose languages from the list."),
    "verified": _("“Verified photos only” is either on or off."),
    "vip": _("“VIP only” is either on or off."),
    "rating_min": _("Enter a rating between 0 and 5."),
    "touring_now": _("“Touring now” is either on or off."),
    "available_from": _("Choose a day and times."),
    "available_to": _("Choose a day and times."),
    "sort": _("Choose an order from the list."),
    "page_size": _("Show between 1 and 50 results per page."),
    "cursor": _("This page of results has expired: start the search again."),
}


@dataclass(frozen=True)
class SearchParams:
    q: str = ""
    city_id: int | None = None
    lat: float | None = None
    lng: float | None = None
    radius_km: float | None = None
    price_min: int | None = None  # EUR per hour, whole euros (search.prices)
    price_max: int | None = None
    services: tuple[str, ...] = ()  # slugs, as asked
    service_ids: tuple[int, ...] = ()  # the same, resolved
    services_mode: str = "all"
    languages: tuple[str, ...] = ()
    verified_only: bool = False
    vip_only: bool = False
    rating_min: float | None = None
    touring_now: bool = False
    # Accepted and validated, but they do not filter until bookings exist.
    available_from: dt.datetime | None = None
    available_to: dt.datetime | None = None
    sort: str = "recommended"
    page_size: int = 20
    cursor: str | None = None

    @property
    def price_min_cents(self) -> int | None:
        return None if self.price_min is None else self.price_min * 100

    @property
    def price_max_cents(self) -> int | None:
        return None if self.price_max is None else self.price_max * 100

    @property
    def has_point(self) -> bool:
        return self.lat is not None and self.lng is not None


def _csv(value: str, *, limit: int = 20) -> list[str]:
    items = [item.strip() for item in value.split(",") if item.strip()]
    if len(items) > limit:
        raise serializers.ValidationError(
            _("Choose at most %(limit)d of them.") % {"limit": limit}
        )
    return items


class SearchQuerySerializer(serializers.Serializer):
    """Query string → SearchParams. Lists are comma separated (``services=a,b``);
    repeated keys (HTML checkboxes) are joined by the caller."""

    class Meta:
        ref_name = "SearchQuery"

    q = serializers.CharField(
        max_length=200,
        required=False,
        default="",
        allow_blank=True,
        help_text="Free text; operators are plain text (websearch syntax).",
    )
    city = serializers.IntegerField(
        min_value=1, required=False, help_text="City page id."
    )
    lat = serializers.FloatField(min_value=-90, max_value=90, required=False)
    lng = serializers.FloatField(min_value=-180, max_value=180, required=False)
    radius_km = serializers.FloatField(
        min_value=0.1,
        max_value=MAX_RADIUS_KM,
        required=False,
        help_text="Needs lat and lng.",
    )
    price_min = serializers.IntegerField(
        min_value=0, max_value=MAX_PRICE, required=False, help_text="EUR per hour."
    )
    price_max = serializers.IntegerField(
        min_value=0, max_value=MAX_PRICE, required=False, help_text="EUR per hour."
    )
    services = serializers.CharField(
        max_length=1000,
        required=False,
        default="",
        allow_blank=True,
        help_text="Comma-separated service slugs.",
    )
    services_mode = serializers.ChoiceField(choices=["all", "any"], default="all")
    languages = serializers.CharField(
        max_length=200,
        required=False,
        default="",
        allow_blank=True,
        help_text="Comma-separated language codes (any of them).",
    )
    verified = serializers.BooleanField(required=False, default=False)
    vip = serializers.BooleanField(required=False, default=False)
    rating_min = serializers.FloatField(min_value=0, max_value=5, required=False)
    touring_now = serializers.BooleanField(
        required=False,
        default=False,
        help_text=(
            "Only profiles on a public tour today; with city, touring that city "
            "(a filter: it never adds profiles)."
        ),
    )
    available_from = serializers.DateTimeField(
        required=False,
        help_text=(
            "With available_to (ISO 8601 with offset, at most 7 days apart): only "
            "profiles with a bookable time for their shortest rate inside the "
            "window; with city, bookable in that city then (tours included)."
        ),
    )
    available_to = serializers.DateTimeField(required=False)
    sort = serializers.ChoiceField(choices=SORTS, default="recommended")
    page_size = serializers.IntegerField(min_value=1, max_value=50, default=20)
    cursor = serializers.CharField(
        max_length=500, required=False, help_text="Opaque; from the previous page."
    )

    def to_internal_value(self, data: dict) -> dict:
        """Field errors (types, ranges) become the field's human message."""
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError as error:
            detail = error.detail if isinstance(error.detail, dict) else {}
            raise serializers.ValidationError(
                {
                    name: [FIELD_MESSAGES[name]] if name in FIELD_MESSAGES else msgs
                    for name, msgs in detail.items()
                }
            ) from error

    def validate_q(self, value: str) -> str:
        return " ".join(value.split())

    def validate(self, data: dict) -> dict:
        self._check_ranges(data)
        self._check_geo(data)
        city = data.get("city")
        if city is not None and not CityPage.objects.live().filter(pk=city).exists():
            raise serializers.ValidationError({"city": FIELD_MESSAGES["city"]})
        data["service_slugs"] = tuple(_csv_field(data, "services"))
        data["service_ids"] = self._service_ids(data["service_slugs"])
        data["language_codes"] = self._language_codes(_csv_field(data, "languages"))
        return data

    def _check_ranges(self, data: dict) -> None:
        low, high = data.get("price_min"), data.get("price_max")
        if low is not None and high is not None and low > high:
            raise serializers.ValidationError(
                {"price_max": _("Enter a highest price at or above the lowest price.")}
            )
        start, end = data.get("available_from"), data.get("available_to")
        if (start is None) != (end is None):
            field = "available_to" if start else "available_from"
            raise serializers.ValidationError({field: FIELD_MESSAGES[field]})
        if start and end and start >= end:
            raise serializers.ValidationError(
                {"available_to": _("Choose an end time after the start time.")}
            )
        if start and end and end - start > MAX_AVAILABLE_WINDOW:
            raise serializers.ValidationError(
                {"available_to": _("Choose times at most 7 days apart.")}
            )

    def _check_geo(self, data: dict) -> None:
        has_lat, has_lng = "lat" in data, "lng" in data
        if has_lat != has_lng:
            field = "lng" if has_lat else "lat"
            raise serializers.ValidationError({field: _("Choose a place on the map.")})
        if "radius_km" in data and not has_lat:
            raise serializers.ValidationError(
                {"radius_km": _("Choose a place on the map for a distance.")}
            )
        if data.get("sort") == "distance" and not has_lat:
            raise serializers.ValidationError(
                {"sort": _("Choose a place on the map to sort by distance.")}
            )

    def _service_ids(self, slugs: tuple[str, ...]) -> tuple[int, ...]:
        found = dict(Service.objects.filter(slug__in=slugs).values_list("slug", "pk"))
        if set(slugs) - set(found):
            raise serializers.ValidationError({"services": FIELD_MESSAGES["services"]})
        return tuple(found[slug] for slug in slugs)

    def _language_codes(self, codes: list[str]) -> tuple[str, ...]:
        found = set(
            Language.objects.filter(code__in=codes).values_list("code", flat=True)
        )
        if set(codes) - found:
            raise serializers.ValidationError(
                {"languages": FIELD_MESSAGES["languages"]}
            )
        return tuple(codes)

    def to_params(self) -> SearchParams:
        data = self.validated_data
        return SearchParams(
            q=data["q"],
            city_id=data.get("city"),
            lat=data.get("lat"),
            lng=data.get("lng"),
            radius_km=data.get("radius_km"),
            price_min=data.get("price_min"),
            price_max=data.get("price_max"),
            services=data["service_slugs"],
            service_ids=data["service_ids"],
            services_mode=data["services_mode"],
            languages=data["language_codes"],
            verified_only=data["verified"],
            vip_only=data["vip"],
            rating_min=data.get("rating_min"),
            touring_now=data["touring_now"],
            available_from=data.get("available_from"),
            available_to=data.get("available_to"),
            sort=data["sort"],
            page_size=data["page_size"],
            cursor=data.get("cursor"),
        )


def _csv_field(data: dict, name: str) -> list[str]:
    try:
        return _csv(data[name])
    except serializers.ValidationError as error:
        raise serializers.ValidationError({name: error.detail}) from error


def present_params(query_params) -> dict[str, str]:  # noqa: ANN001
    """The query's parameters that say something: a blank value (an empty form
    field, ``price_min=``) means "no filter", exactly as if it were absent, for
    every parameter. Repeated list keys (checkboxes) are joined by commas; any
    other repeated key keeps its last value."""
    data = {}
    for key in query_params:
        values = [v for v in query_params.getlist(key) if v.strip()]
        if values:
            data[key] = ",".join(values) if key in LIST_PARAMS else values[-1]
    return data


def params_from_query(query_params) -> SearchParams:  # noqa: ANN001
    """Validate a QueryDict into SearchParams. Bad input raises ValidationFailed
    (the project's 400 shape in the API) whose ``fields`` and ``message`` are
    human sentences (FIELD_MESSAGES), never parameter names."""
    serializer = SearchQuerySerializer(data=present_params(query_params))
    if not serializer.is_valid():
        fields = {
            name: [str(message) for message in messages]
            for name, messages in serializer.errors.items()
        }
        messages = dict.fromkeys(m for msgs in fields.values() for m in msgs)
        raise ValidationFailed(" ".join(messages), fields=fields)
    return serializer.to_params()
