"""``/api/v1/me/exports``: the signed-in person's data exports
(docs/privacy.md, "Export"). ``POST`` asks for one (201; 409
``export_in_progress`` while one is queued or running), ``GET`` lists them
(cursor page), ``GET /<id>`` shows one (404 for anyone else's)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.pagination import CursorPagination, paginated
from privacy.exporting.selectors import export_get_for, exports_for
from privacy.exporting.services import data_export_request, reverse_download
from privacy.models import DataExport

NOT_FOUND = OpenApiResponse(description="not_found: no export of yours has this id.")


class DataExportSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = DataExport
        ref_name = "DataExport"
        fields = [
            "id",
            "status",
            "progress",
            "step",
            "size_bytes",
            "requested_at",
            "finished_at",
            "expires_at",
            "downloaded_at",
            "download_url",
        ]

    def get_download_url(self, export: DataExport) -> str | None:
        """The download page's link (signed-in browser session), while ready."""
        if export.status != DataExport.Status.READY:
            return None
        return reverse_download(export)


class MyExportCollectionApi(APIView):
    permission_classes = [IsAuthenticated]
    pagination_class = CursorPagination  # documents the list as a page

    @extend_schema(
        responses=DataExportSerializer(many=True),
        summary="My data exports, newest first (cursor-paginated)",
    )
    def get(self, request: Request) -> Response:
        return paginated(
            request=request,
            view=self,
            queryset=exports_for(user=request.user),
            serializer=DataExportSerializer,
            ordering=("-requested_at", "-id"),
        )

    @extend_schema(
        request=None,
        responses={
            201: DataExportSerializer,
            409: OpenApiResponse(
                description="export_in_progress: one is queued or running already."
            ),
        },
        summary="Ask for a copy of my data",
    )
    def post(self, request: Request) -> Response:
        export = data_export_request(user=request.user)
        return Response(
            DataExportSerializer(export).data, status=status.HTTP_201_CREATED
        )


class MyExportDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses={200: DataExportSerializer, 404: NOT_FOUND},
        summary="One of my data exports",
    )
    def get(self, request: Request, export_id: int) -> Response:
        export = export_get_for(user=request.user, export_id=export_id)
        return Response(DataExportSerializer(export).data)
