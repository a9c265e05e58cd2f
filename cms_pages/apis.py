from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from cms_pages.renditions import UPLOAD_PREVIEW
from cms_pages.services import image_create


class ImageCreateApi(APIView):
    """Upload an image; the stored original has no metadata (EXIF, GPS, XMP)."""

    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "uploads"

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "ImageCreate"

        file = serializers.FileField(allow_empty_file=False)
        title = serializers.CharField(max_length=255, required=False, default="")

    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "Image"

        id = serializers.IntegerField()
        title = serializers.CharField()
        width = serializers.IntegerField()
        height = serializers.IntegerField()
        file_size = serializers.IntegerField()
        url = serializers.SerializerMethodField()

        def get_url(self, image) -> str:  # noqa: ANN001
            return image.get_rendition(UPLOAD_PREVIEW).url

    @extend_schema(
        request=InputSerializer,
        responses={201: OutputSerializer},
        operation_id="image_create",
    )
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        image = image_create(
            file=data.validated_data["file"],
            title=data.validated_data["title"],
            actor=request.user,
        )
        return Response(
            self.OutputSerializer(image).data, status=status.HTTP_201_CREATED
        )
