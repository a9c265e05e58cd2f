"""SearchParams: the validated, typed form of a search request, shared by the JSON
API and the HTML page so both refuse the same bad input the same way."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from rest_framework import serializers

from directory.models import CityPage, Language, Service

SORTS = ("recommended", "price_asc", "price_desc", "rating", "newest", "distance")
MAX_RADIUS_KM = 500
MAX_AVAILABLE_WINDOW = dt.timedelta(days=7)


@dataclass(frozen=True)
class SearchParams:
    q: str = ""
    city_id: int | None = None
    lat: float | None = None
    lng: float | None = None
    radius_km: float | None = None
    price_min: int | None = None  # EUR per hour, whole euros
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
        raise serializers.ValidationError(f"At most {limit} values.")
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
        min_value=0, max_value=100_000, required=False, help_text="EUR per hour."
    )
    price_max = serializers.IntegerField(
        min_value=0, max_value=100_000, required=False, help_text="EUR per hour."
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
        help_text="With city: also profiles touring there today; alone: touring.",
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

    def validate_q(self, value: str) -> str:
        return " ".join(value.split())

    def validate(self, data: dict) -> dict:
        self._check_ranges(data)
        self._check_geo(data)
        city = data.get("city")
        if city is not None and not CityPage.objects.live().filter(pk=city).exists():
            raise serializers.ValidationError({"city": "Unknown city."})
        data["service_slugs"] = tuple(_csv_field(data, "services"))
        data["service_ids"] = self._service_ids(data["service_slugs"])
        data["language_codes"] = self._language_codes(_csv_field(data, "languages"))
        return data

    def _check_ranges(self, data: dict) -> None:
        low, high = data.get("price_min"), data.get("price_max")
        if low is not None and high is not None and low > high:
            raise serializers.ValidationError(
                {"price_max": "Must not be below price_min."}
            )
        start, end = data.get("available_from"), data.get("available_to")
        if (start is None) != (end is None):
            field = "available_to" if start else "available_from"
            raise serializers.ValidationError(
                {field: "available_from and available_to go together."}
            )
        if start and end and start >= end:
            raise serializers.ValidationError(
                {"available_to": "Must be after available_from."}
            )
        if start and end and end - start > MAX_AVAILABLE_WINDOW:
            raise serializers.ValidationError(
                {"available_to": "At most 7 days after available_from."}
            )

    def _check_geo(self, data: dict) -> None:
        has_lat, has_lng = "lat" in data, "lng" in data
        if has_lat != has_lng:
            field = "lng" if has_lat else "lat"
            raise serializers.ValidationError({field: "lat and lng go together."})
        if "radius_km" in data and not has_lat:
            raise serializers.ValidationError({"radius_km": "Needs lat and lng."})
        if data.get("sort") == "distance" and not has_lat:
            raise serializers.ValidationError({"sort": "distance needs lat and lng."})

    def _service_ids(self, slugs: tuple[str, ...]) -> tuple[int, ...]:
        found = dict(Service.objects.filter(slug__in=slugs).values_list("slug", "pk"))
        if unknown := sorted(set(slugs) - set(found)):
            raise serializers.ValidationError(
                {"services": f"Unknown: {', '.join(unknown)}."}
            )
        return tuple(found[slug] for slug in slugs)

    def _language_codes(self, codes: list[str]) -> tuple[str, ...]:
        found = set(
            Language.objects.filter(code__in=codes).values_list("code", flat=True)
        )
        if unknown := sorted(set(codes) - found):
            raise serializers.ValidationError(
                {"languages": f"Unknown: {', '.join(unknown)}."}
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


def params_from_query(query_params) -> SearchParams:  # noqa: ANN001
    """Validate a QueryDict (repeated keys joined) into SearchParams; raises DRF
    ValidationError, which the API turns into the project's 400 shape."""
    data = {}
    for key in query_params:
        values = query_params.getlist(key)
        data[key] = ",".join(values) if key in ("services", "languages") else values[-1]
    serializer = SearchQuerySerializer(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.to_params()
