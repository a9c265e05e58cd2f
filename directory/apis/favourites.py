"""/api/v1/me/favourites: a client's shortlist of saved profiles. Every read and
write is scoped to the signed-in user (docs/architecture.md, invariant 8): another
user's favourites are invisible, and a profile that may not be shown cannot be
saved (404, whether or not it exists). A saved profile that went offline stays in
the list as ``is_live: false`` with the name it had when saved and nothing else."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle, ScopedRateThrottle
from rest_framework.views import APIView

from cms_pages.renditions import PROFILE_THUMBNAIL
from core.ids import MAX_PAGE_ID
from core.pagination import CursorPagination, paginated
from directory.apis.public import CityRefSerializer, _page_url, _rendition_urls
from directory.models import Favourite
from directory.selectors import favourites_of
from directory.services import favourite_add, favourite_remove


class FavouriteSerializer(serializers.Serializer):
    """A live profile shows its current name, link, city and photo; an offline one
    only the name the client saved, with ``url``, ``city`` and ``photo`` null."""

    class Meta:
        ref_name = "Favourite"

    id = serializers.IntegerField(source="profile_id", help_text="The profile's id.")
    name = serializers.SerializerMethodField()
    is_live = serializers.BooleanField()
    url = serializers.SerializerMethodField()
    city = serializers.SerializerMethodField()
    photo = serializers.SerializerMethodField()
    saved_at = serializers.DateTimeField(source="created_at")

    def get_name(self, favourite: Favourite) -> str:
        return favourite.profile.title if favourite.is_live else favourite.saved_name

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_url(self, favourite: Favourite) -> str | None:
        if not favourite.is_live:
            return None
        return _page_url(self.context["request"], favourite.profile)

    @extend_schema_field(CityRefSerializer(allow_null=True))
    def get_city(self, favourite: Favourite) -> dict | None:
        city = favourite.profile.home_city
        if not favourite.is_live or city is None:
            return None
        return CityRefSerializer(city).data

    @extend_schema_field(
        serializers.URLField(allow_null=True, help_text="Card-size photo (WebP).")
    )
    def get_photo(self, favourite: Favourite) -> str | None:
        photo = favourite.profile.primary_photo if favourite.is_live else None
        if photo is None:
            return None
        (thumbnail,) = _rendition_urls(
            self.context["request"], photo.image, PROFILE_THUMBNAIL
        )
        return thumbnail


def _one(request: Request, profile_id: int) -> Favourite:
    # The same selector as the list, so one favourite reads exactly like a row.
    return favourites_of(user=request.user).get(profile_id=profile_id)


class FavouriteCollectionApi(APIView):
    """GET lists the signed-in user's saved profiles; POST saves one. Writes count
    against THROTTLE_FAVOURITES per user."""

    permission_classes = [IsAuthenticated]
    pagination_class = CursorPagination  # documents the list as a page

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "FavouriteCreate"

        profile = serializers.IntegerField(min_value=1, max_value=MAX_PAGE_ID)

    def get_throttles(self) -> list[BaseThrottle]:
        if self.request.method != "POST":
            return super().get_throttles()
        self.throttle_scope = "favourites"
        return [ScopedRateThrottle()]

    @extend_schema(
        responses={200: FavouriteSerializer(many=True)},
        operation_id="my_favourites_list",
    )
    def get(self, request: Request) -> Response:
        return paginated(
            request=request,
            view=self,
            queryset=favourites_of(user=request.user),
            serializer=FavouriteSerializer,
            ordering=("-id",),
        )

    @extend_schema(
        request=InputSerializer,
        responses={
            200: OpenApiResponse(FavouriteSerializer, description="Already saved."),
            201: OpenApiResponse(FavouriteSerializer, description="Saved."),
            404: OpenApiResponse(
                description="No live profile with this id (drafts and offline "
                "profiles included)."
            ),
        },
        operation_id="my_favourites_add",
    )
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        favourite, created = favourite_add(
            client=request.user, profile_id=data.validated_data["profile"]
        )
        body = FavouriteSerializer(
            _one(request, favourite.profile_id), context={"request": request}
        ).data
        return Response(
            body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )


class FavouriteDetailApi(APIView):
    """DELETE takes a profile off the signed-in user's saved profiles."""

    permission_classes = [IsAuthenticated]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "favourites"

    @extend_schema(
        responses={
            204: OpenApiResponse(description="Removed."),
            404: OpenApiResponse(description="Not in your saved profiles."),
        },
        operation_id="my_favourites_remove",
    )
    def delete(self, request: Request, profile_id: int) -> Response:
        favourite_remove(client=request.user, profile_id=profile_id)
        return Response(status=status.HTTP_204_NO_CONTENT)
