"""GET /api/v1/search and /api/v1/search/suggest."""

from __future__ import annotations

import dataclasses
import time

from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cms_pages.routing import page_url
from core.db_routing import replica_reads_for
from core.exceptions import ValidationFailed
from directory.apis.public import RatingSerializer
from directory.selectors import rotation_seed
from search.facets import search_facets
from search.impressions import impressions_record_search
from search.models import ProfileSearchDocument, SearchQueryLog
from search.params import SearchParams, SearchQuerySerializer, params_from_query
from search.ranking import band
from search.selectors import search_profiles, search_suggestions

_NOT_LOGGED = {"q", "cursor", "service_ids", "page_size"}
# Logged under the query-string names, which is what a visitor chose.
_LOG_NAMES = {"city_id": "city", "verified_only": "verified", "vip_only": "vip"}


def search_log_filters(params: SearchParams) -> dict:
    """The non-default filters, JSON-safe, for the anonymous query log."""
    defaults = SearchParams()
    filters = {}
    for item in dataclasses.fields(params):
        value = getattr(params, item.name)
        if item.name in _NOT_LOGGED or value == getattr(defaults, item.name):
            continue
        filters[_LOG_NAMES.get(item.name, item.name)] = (
            list(value)
            if isinstance(value, tuple)
            else value.isoformat()
            if hasattr(value, "isoformat")
            else value
        )
    return filters


def search_log(*, params: SearchParams, result_count: int, started: float) -> None:
    SearchQueryLog.objects.create(
        query=" ".join(params.q.lower().split())[:200],
        filters=search_log_filters(params),
        result_count=result_count,
        latency_ms=round((time.monotonic() - started) * 1000),
    )


_AVERAGE = RatingSerializer().fields["average"]


class SearchApi(APIView):
    """Search live profiles: filters, fair "recommended" order (VIP band first,
    then a rotation per visitor and day, see docs/ranking.md), keyset pagination
    with an opaque signed cursor, and facet counts over the filtered results.
    ``available_from``/``available_to`` keep profiles bookable in that window
    (search/availability.py). An empty parameter (``price_min=``, as HTML forms
    send blank fields) is the same as an absent one; a 400 says what to change in
    words for people, under the parameter's name in ``fields``."""

    permission_classes = [AllowAny]

    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "SearchResult"

        id = serializers.IntegerField(source="profile_id")
        display_name = serializers.CharField()
        url = serializers.SerializerMethodField()
        city = serializers.CharField(source="city_title")
        city_id = serializers.IntegerField()
        band = serializers.SerializerMethodField()
        is_verified = serializers.BooleanField()
        is_vip = serializers.BooleanField()
        from_eur_per_hour = serializers.SerializerMethodField()
        distance_km = serializers.SerializerMethodField()
        rating = serializers.SerializerMethodField(
            help_text="Average and count of the public reviews; null without any "
            "(reviews off, or none published yet)."
        )

        # The schema's description of a result; the view builds results with
        # search_results (the same helpers, no serializer per result), and a
        # test holds the two equal.
        def get_url(self, doc: ProfileSearchDocument) -> str | None:
            return _url(doc, self.context["request"])

        def get_band(self, doc: ProfileSearchDocument) -> str:
            return band(is_vip=doc.is_vip)

        def get_from_eur_per_hour(self, doc: ProfileSearchDocument) -> int | None:
            return _from_eur_per_hour(doc)

        def get_distance_km(self, doc: ProfileSearchDocument) -> float | None:
            return _distance_km(doc)

        @extend_schema_field(RatingSerializer(allow_null=True))
        def get_rating(self, doc: ProfileSearchDocument) -> dict | None:
            return _rating(doc)

    @extend_schema(
        parameters=[SearchQuerySerializer],
        responses={
            200: inline_serializer(
                "SearchResponse",
                {
                    "results": OutputSerializer(many=True),
                    "next": serializers.CharField(allow_null=True),
                    "total": serializers.IntegerField(),
                    "facets": serializers.DictField(),
                },
            )
        },
        operation_id="search",
    )
    def get(self, request: Request) -> Response:
        started = time.monotonic()
        replica_reads_for(request)
        params = params_from_query(request.query_params)
        seed = rotation_seed(session_key=getattr(request.session, "session_key", None))
        facets = search_facets(params=params)
        result = search_profiles(params=params, seed=seed, total=facets["total"])
        body = {
            "results": search_results(result.documents, request=request),
            "next": result.next_cursor,
            "total": result.total,
            "facets": facets,
        }
        search_log(params=params, result_count=result.total, started=started)
        impressions_record_search(city_id=params.city_id, result=result)
        return Response(body)


def search_results(
    documents: list[ProfileSearchDocument], *, request: Request
) -> list[dict]:
    """``SearchApi.OutputSerializer``'s shape for each result, built directly:
    a serializer per result deep-copies its fields."""
    return [
        {
            "id": doc.profile_id,
            "display_name": doc.display_name,
            "url": _url(doc, request),
            "city": doc.city_title,
            "city_id": doc.city_id,
            "band": band(is_vip=doc.is_vip),
            "is_verified": doc.is_verified,
            "is_vip": doc.is_vip,
            "from_eur_per_hour": _from_eur_per_hour(doc),
            "distance_km": _distance_km(doc),
            "rating": _rating(doc),
        }
        for doc in documents
    ]


def _url(doc: ProfileSearchDocument, request: Request) -> str | None:
    # The url path rides along (search.selectors._documents): no page.
    return page_url(url_path=doc.profile_url_path, request=request)


def _from_eur_per_hour(doc: ProfileSearchDocument) -> int | None:
    cents = doc.min_hourly_eur
    return None if cents is None else round(cents / 100)


def _distance_km(doc: ProfileSearchDocument) -> float | None:
    distance = getattr(doc, "distance_km", None)
    return None if distance is None else round(distance, 1)


def _rating(doc: ProfileSearchDocument) -> dict | None:
    if not doc.rating_count or doc.rating_avg is None:
        return None
    return {
        "average": _AVERAGE.to_representation(doc.rating_avg),
        "count": doc.rating_count,
    }


class SuggestApi(APIView):
    """As-you-type suggestions: cities, services and profile names (prefix, then
    trigram similarity); at most 8 of each. Not logged."""

    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, required=True, description="2 to 50 characters.")
        ],
        responses={
            200: inline_serializer(
                "SearchSuggestions",
                {
                    "cities": serializers.ListField(child=serializers.DictField()),
                    "services": serializers.ListField(child=serializers.DictField()),
                    "profiles": serializers.ListField(child=serializers.DictField()),
                },
            )
        },
        operation_id="search_suggest",
    )
    def get(self, request: Request) -> Response:
        q = " ".join(request.query_params.get("q", "")[:200].split())
        if not 2 <= len(q) <= 50:
            raise ValidationFailed(fields={"q": ["Between 2 and 50 characters."]})
        return Response(search_suggestions(q=q))
