"""Cursor pagination shared by every app's list endpoints: the query
parameters validated (a bad value is 400, not silently replaced or 404) and one
helper that pages a queryset in a fixed order. Lives in core because apps at
every level (notifications, directory, bookings, messaging) list things."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from rest_framework import serializers
from rest_framework.exceptions import NotFound as CursorNotFound
from rest_framework.pagination import CursorPagination as BaseCursorPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from core.exceptions import ValidationFailed


class CursorPagination(BaseCursorPagination):
    """Keyset pagination: stable under inserts, no OFFSET scans on deep pages.
    The schema documents every paginated list as a page (``next``, ``previous``,
    ``results``) with its ``cursor`` and ``page_size`` parameters; a view that
    builds its page with ``paginated()`` names this class as its
    ``pagination_class`` so drf-spectacular can tell."""

    ordering = "-id"
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_paginated_response_schema(self, schema: dict) -> dict:
        link = {"type": "string", "format": "uri", "nullable": True}
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {
                "next": {
                    **link,
                    "description": "The next page (with `cursor`); null on the last.",
                },
                "previous": {
                    **link,
                    "description": "The previous page; null on the first.",
                },
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view: APIView) -> list[dict]:
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "Opaque position from a `next` or `previous` link.",
                "schema": {"type": "string", "maxLength": 512},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Results per page (default {self.page_size}).",
                "schema": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": self.max_page_size,
                },
            },
        ]


class PageQuerySerializer(serializers.Serializer):
    """Cursor pagination parameters, validated so a bad value answers 400 instead
    of being silently replaced (page size) or answered 404 (cursor)."""

    class Meta:
        ref_name = "PublicPageQuery"

    cursor = serializers.CharField(required=False, max_length=512)
    page_size = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=CursorPagination.max_page_size,
    )


def paginated(
    *,
    request: Request,
    view: APIView,
    queryset: QuerySet,
    serializer: type[serializers.Serializer],
    ordering: tuple[str, ...],
) -> Response:
    paginator, page = _page(request, view, queryset, ordering)
    data = serializer(page, many=True, context={"request": request}).data
    return paginator.get_paginated_response(data)


def paginated_rows(
    *,
    request: Request,
    view: APIView,
    queryset: QuerySet,
    present: Callable[[list], list[dict]],
    ordering: tuple[str, ...],
) -> Response:
    """``paginated`` for a list that pages keys first and ``present``s the page
    (a list of what ``queryset`` yields) as its items itself, without a
    serializer per item (``directory.apis.public.EscortListApi``)."""
    paginator, page = _page(request, view, queryset, ordering)
    return paginator.get_paginated_response(present(page))


def _page(
    request: Request, view: APIView, queryset: QuerySet, ordering: tuple[str, ...]
) -> tuple[CursorPagination, list]:
    PageQuerySerializer(data=request.query_params).is_valid(raise_exception=True)
    paginator = api_settings.DEFAULT_PAGINATION_CLASS()
    paginator.ordering = ordering
    try:
        page = paginator.paginate_queryset(queryset, request, view=view)
    except (CursorNotFound, ValueError, DjangoValidationError) as exc:
        # A cursor that decodes but holds a position of the wrong type fails while
        # the query is built (ValueError), not in DRF's own decoding.
        if "cursor" not in request.query_params:
            raise
        raise ValidationFailed(
            fields={"cursor": ["This cursor is not valid."]}
        ) from exc
    return paginator, page
