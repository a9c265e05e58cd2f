"""Public, read-only directory endpoints. They read the live rows only (an unpublished
revision never reaches them) through the public selectors, so a draft, a profile of a
suspended or unverified owner, a private tour or an owner's account never leaks."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce
from drf_spectacular.utils import (
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from wagtail.rich_text import expand_db_html

from cms_pages.models import CustomImage
from cms_pages.renditions import CITY_HERO, PROFILE_LARGE, PROFILE_THUMBNAIL
from cms_pages.routing import page_url
from core.db_routing import replica_reads_for
from core.exceptions import NotFound
from core.ids import MAX_PAGE_ID
from core.pagination import PageQuerySerializer, paginated, paginated_rows
from directory.models import (
    Agency,
    CityPage,
    EscortProfilePage,
    ProfilePhoto,
    public_tours_of,
)
from directory.ratings import annotated_rating, rating_of_row, with_public_rating
from directory.selectors import (
    agency_list,
    city_list,
    profile_id_list,
    profile_list,
    profile_rows,
)

# --- Reads on top of the public selectors --------------------------------------


def _with_renditions(queryset: QuerySet, lookup: str, *specs: str) -> QuerySet:
    """Existing renditions in one query for the whole page of results; a missing
    one is generated (and written) on first use only."""
    renditions = CustomImage.get_rendition_model().objects.filter(filter_spec__in=specs)
    return queryset.prefetch_related(Prefetch(lookup, queryset=renditions))


def _live_profile_count(field: str) -> Coalesce:
    """How many live profiles point at the outer row through ``field``: the same
    definition of "live" as the profile endpoints, in one correlated subquery."""
    counts = (
        profile_list()
        .filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), 0)


def _public_cities() -> QuerySet[CityPage]:
    cities = city_list().annotate(profile_count=_live_profile_count("home_city"))
    return _with_renditions(cities, "hero_image__renditions", CITY_HERO)


def _public_profiles(*specs: str, **filters: Any) -> QuerySet[EscortProfilePage]:
    # The public rating rides along as annotations (directory.ratings): no
    # query per profile.
    profiles = with_public_rating(profile_list(lists_annotated=True, **filters))
    return _with_renditions(profiles, "photos__image__renditions", *specs)


def _public_agencies() -> QuerySet[Agency]:
    return agency_list().annotate(profile_count=_live_profile_count("agency"))


def _public_agency_with_profiles() -> QuerySet[Agency]:
    # Names and links only: the card prefetches (photos, rates...) are dropped.
    profiles = profile_list().prefetch_related(None).order_by("title", "id")
    return _public_agencies().prefetch_related(
        Prefetch("profiles", queryset=profiles, to_attr="live_profiles")
    )


# --- Serialization helpers ------------------------------------------------------


def _absolute(request: Request, url: str | None) -> str | None:
    return request.build_absolute_uri(url) if url else None


def _rendition_urls(request: Request, image: CustomImage, *specs: str) -> list[str]:
    # get_renditions (unlike get_rendition) does not rewrite prefetched renditions
    # into the cache on every request.
    renditions = image.get_renditions(*specs)
    return [_absolute(request, renditions[spec].url) for spec in specs]


def _page_url(request: Request, page: Any) -> str | None:
    return _absolute(request, page.get_url(request=request))


def _from_price(amount_minor: int | None, currency: str | None) -> dict | None:
    """An item's "from" price, for the serializer and the list's rows alike."""
    if amount_minor is None:
        return None
    return {"amount_minor": amount_minor, "currency": currency}


def _page_of(name: str, item: type[serializers.Serializer]) -> serializers.Serializer:
    return inline_serializer(
        name=name,
        fields={
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": item(many=True),
        },
    )


# --- Shared nested shapes ---------------------------------------------------------


class CityRefSerializer(serializers.Serializer):
    class Meta:
        ref_name = "PublicCityRef"

    id = serializers.IntegerField()
    name = serializers.CharField(source="title")


class AgencyRefSerializer(serializers.Serializer):
    class Meta:
        ref_name = "PublicAgencyRef"

    name = serializers.CharField()
    slug = serializers.CharField()


class PriceSerializer(serializers.Serializer):
    class Meta:
        ref_name = "PublicPrice"

    amount_minor = serializers.IntegerField()
    currency = serializers.CharField()


class RateSerializer(PriceSerializer):
    class Meta:
        ref_name = "PublicRate"

    duration_minutes = serializers.IntegerField()
    kind = serializers.CharField()


class ThumbnailSerializer(serializers.Serializer):
    class Meta:
        ref_name = "PublicThumbnail"

    thumbnail = serializers.URLField()
    caption = serializers.CharField()


class PhotoSerializer(ThumbnailSerializer):
    class Meta:
        ref_name = "PublicPhoto"

    large = serializers.URLField()
    is_primary = serializers.BooleanField()


class RatingSerializer(serializers.Serializer):
    class Meta:
        ref_name = "PublicRating"

    average = serializers.DecimalField(
        max_digits=3,
        decimal_places=2,
        coerce_to_string=False,
        allow_null=True,
        help_text="Average of the public reviews, 1 to 5; null before the first.",
    )
    count = serializers.IntegerField(help_text="Number of public reviews.")


class TourSerializer(serializers.Serializer):
    class Meta:
        ref_name = "PublicTour"

    city = CityRefSerializer()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()


# --- Cities -----------------------------------------------------------------------


class CityListApi(APIView):
    """Live cities, by name."""

    permission_classes = [AllowAny]

    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "PublicCity"

        id = serializers.IntegerField()
        name = serializers.CharField(source="title")
        slug = serializers.CharField()
        country = serializers.CharField()
        country_code = serializers.CharField()
        time_zone = serializers.CharField()
        latitude = serializers.FloatField()
        longitude = serializers.FloatField()
        url = serializers.SerializerMethodField()
        profile_count = serializers.IntegerField()
        hero_image = serializers.SerializerMethodField()

        def get_url(self, city: CityPage) -> str | None:
            return _page_url(self.context["request"], city)

        def get_hero_image(self, city: CityPage) -> str | None:
            if city.hero_image is None:
                return None
            return _rendition_urls(self.context["request"], city.hero_image, CITY_HERO)[
                0
            ]

    @extend_schema(
        parameters=[PageQuerySerializer],
        responses={200: _page_of("PublicCityPage", OutputSerializer)},
        operation_id="city_list",
    )
    def get(self, request: Request) -> Response:
        return paginated(
            request=request,
            view=self,
            queryset=_public_cities(),
            serializer=self.OutputSerializer,
            ordering=("title", "id"),
        )


# --- Escort profiles --------------------------------------------------------------


class EscortListApi(APIView):
    """Live profiles, newest first, optionally filtered."""

    permission_classes = [AllowAny]

    class FilterSerializer(PageQuerySerializer):
        class Meta:
            ref_name = "PublicEscortFilter"

        city = serializers.IntegerField(
            required=False, min_value=1, max_value=MAX_PAGE_ID
        )
        # default=None: a query string without the key means "any", not False.
        verified = serializers.BooleanField(default=None, allow_null=True)
        vip = serializers.BooleanField(default=None, allow_null=True)

    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "PublicEscort"

        id = serializers.IntegerField()
        display_name = serializers.CharField(source="title")
        slug = serializers.CharField()
        url = serializers.SerializerMethodField()
        age = serializers.IntegerField()
        city = CityRefSerializer(source="home_city", allow_null=True)
        tagline = serializers.CharField()
        # "Photos verified": at least one photo still verified
        # (directory.photo_badges), and the date of the latest verification.
        is_verified = serializers.BooleanField()
        photos_verified_at = serializers.DateTimeField(allow_null=True)
        is_vip = serializers.BooleanField()
        agency = AgencyRefSerializer(allow_null=True)
        photo = serializers.SerializerMethodField()
        from_price = serializers.SerializerMethodField()
        services = serializers.SerializerMethodField()
        languages = serializers.SerializerMethodField()
        rating = serializers.SerializerMethodField(
            help_text="Null when the provider has reviews off."
        )

        def get_url(self, profile: EscortProfilePage) -> str | None:
            return _page_url(self.context["request"], profile)

        @extend_schema_field(ThumbnailSerializer(allow_null=True))
        def get_photo(self, profile: EscortProfilePage) -> dict | None:
            photo = profile.primary_photo
            if photo is None:
                return None
            (thumbnail,) = _rendition_urls(
                self.context["request"], photo.image, PROFILE_THUMBNAIL
            )
            return {"thumbnail": thumbnail, "caption": photo.caption}

        @extend_schema_field(PriceSerializer(allow_null=True))
        def get_from_price(self, profile: EscortProfilePage) -> dict | None:
            # Annotated by the selector (directory.selectors.with_profile_lists).
            return _from_price(profile.from_amount_minor, profile.from_currency)

        def get_services(self, profile: EscortProfilePage) -> list[str]:
            return profile.service_names

        def get_languages(self, profile: EscortProfilePage) -> list[str]:
            return profile.language_codes

        @extend_schema_field(RatingSerializer(allow_null=True))
        def get_rating(self, profile: EscortProfilePage) -> dict | None:
            rating = annotated_rating(profile)
            return RatingSerializer(rating).data if rating is not None else None

    @extend_schema(
        parameters=[FilterSerializer],
        responses={200: _page_of("PublicEscortPage", OutputSerializer)},
        operation_id="escort_list",
    )
    def get(self, request: Request) -> Response:
        replica_reads_for(request)
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        query = filters.validated_data
        # Ids are paged first; the page's rows come from one query compiled once
        # per process (directory.selectors.profile_rows). The items are the
        # OutputSerializer's shape (tests/directory/test_api_rows.py holds them
        # equal), built without page objects or a serializer per item.
        ids = profile_id_list(
            city_id=query.get("city"), verified=query["verified"], vip=query["vip"]
        )
        return paginated_rows(
            request=request,
            view=self,
            queryset=ids,
            present=lambda page: _escort_items(request, [row["id"] for row in page]),
            ordering=("-id",),
        )


def _escort_items(request: Request, ids: list[int]) -> list[dict]:
    rows = profile_rows(ids=ids)
    thumbnails = _thumbnail_urls(request, {row["photo_image_id"] for row in rows})
    return [_escort_item(request, row, thumbnails) for row in rows]


def _escort_item(request: Request, row: dict, thumbnails: dict[int, str]) -> dict:
    rating = rating_of_row(row)
    image_id = row["photo_image_id"]
    verified_at = row["photos_verified_at"]
    return {
        "id": row["id"],
        "display_name": row["title"],
        "slug": row["slug"],
        "url": _absolute(request, page_url(url_path=row["url_path"], request=request)),
        "age": row["age"],
        "city": (
            {"id": row["home_city_id"], "name": row["home_city__title"]}
            if row["home_city_id"] is not None
            else None
        ),
        "tagline": row["tagline"],
        "is_verified": verified_at is not None,
        "photos_verified_at": _DATETIME.to_representation(verified_at)
        if verified_at is not None
        else None,
        "is_vip": row["is_vip"],
        "agency": (
            {"name": row["agency__name"], "slug": row["agency__slug"]}
            if row["agency_id"] is not None
            else None
        ),
        "photo": (
            {"thumbnail": thumbnails[image_id], "caption": row["photo_caption"]}
            if image_id is not None
            else None
        ),
        "from_price": _from_price(row["from_amount_minor"], row["from_currency"]),
        "services": row["service_names"],
        "languages": row["language_codes"],
        "rating": rating.as_dict() if rating is not None else None,
    }


_DATETIME = serializers.DateTimeField()


def _thumbnail_urls(request: Request, image_ids: set[int | None]) -> dict[int, str]:
    images = _with_renditions(
        CustomImage.objects.filter(pk__in=image_ids - {None}),
        "renditions",
        PROFILE_THUMBNAIL,
    )
    return {
        image.pk: _rendition_urls(request, image, PROFILE_THUMBNAIL)[0]
        for image in images
    }


class EscortDetailApi(APIView):
    """One live profile, as published (a pending revision is not shown)."""

    permission_classes = [AllowAny]

    class OutputSerializer(EscortListApi.OutputSerializer):
        class Meta:
            ref_name = "PublicEscortDetail"

        bio = serializers.SerializerMethodField()
        contact_preference = serializers.CharField()
        rates = RateSerializer(many=True, source="rates.all")
        photos = serializers.SerializerMethodField()
        tours = serializers.SerializerMethodField()

        def get_bio(self, profile: EscortProfilePage) -> str:
            return expand_db_html(profile.bio)

        @extend_schema_field(PhotoSerializer(many=True))
        def get_photos(self, profile: EscortProfilePage) -> list[dict]:
            return [self._photo(photo) for photo in profile.photos.all()]

        def _photo(self, photo: ProfilePhoto) -> dict:
            request = self.context["request"]
            thumbnail, large = _rendition_urls(
                request, photo.image, PROFILE_THUMBNAIL, PROFILE_LARGE
            )
            return {
                "thumbnail": thumbnail,
                "large": large,
                "caption": photo.caption,
                "is_primary": photo.is_primary,
            }

        @extend_schema_field(TourSerializer(many=True))
        def get_tours(self, profile: EscortProfilePage) -> list[dict]:
            return TourSerializer(public_tours_of(profile.tours.all()), many=True).data

    @extend_schema(responses={200: OutputSerializer}, operation_id="escort_retrieve")
    def get(self, request: Request, profile_id: int) -> Response:
        profile = (
            _public_profiles(PROFILE_THUMBNAIL, PROFILE_LARGE)
            .filter(pk=profile_id)
            .first()
        )
        if profile is None:
            raise NotFound("No live profile with this id.")
        return Response(
            self.OutputSerializer(profile, context={"request": request}).data
        )


# --- Agencies ---------------------------------------------------------------------


class AgencyListApi(APIView):
    """Agencies, by name, with how many live profiles each has."""

    permission_classes = [AllowAny]

    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "PublicAgency"

        name = serializers.CharField()
        slug = serializers.CharField()
        description = serializers.CharField()
        verified = serializers.BooleanField()
        profile_count = serializers.IntegerField()

    @extend_schema(
        parameters=[PageQuerySerializer],
        responses={200: _page_of("PublicAgencyPage", OutputSerializer)},
        operation_id="agency_list",
    )
    def get(self, request: Request) -> Response:
        return paginated(
            request=request,
            view=self,
            queryset=_public_agencies(),
            serializer=self.OutputSerializer,
            ordering=("name",),
        )


class AgencyProfileSerializer(serializers.Serializer):
    class Meta:
        ref_name = "PublicAgencyProfile"

    id = serializers.IntegerField()
    display_name = serializers.CharField(source="title")
    url = serializers.SerializerMethodField()

    def get_url(self, profile: EscortProfilePage) -> str | None:
        return _page_url(self.context["request"], profile)


class AgencyDetailApi(APIView):
    """One agency and its live profiles."""

    permission_classes = [AllowAny]

    class OutputSerializer(AgencyListApi.OutputSerializer):
        class Meta:
            ref_name = "PublicAgencyDetail"

        profiles = AgencyProfileSerializer(many=True, source="live_profiles")

    @extend_schema(responses={200: OutputSerializer}, operation_id="agency_retrieve")
    def get(self, request: Request, slug: str) -> Response:
        agency = _public_agency_with_profiles().filter(slug=slug).first()
        if agency is None:
            raise NotFound("No agency with this name.")
        data = self.OutputSerializer(agency, context={"request": request}).data
        return Response(data)
