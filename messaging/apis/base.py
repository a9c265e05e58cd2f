"""What the messaging endpoints share: signed-in callers, the per-user write
throttle, and serializers that need the acting user."""

from __future__ import annotations

from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.throttling import (
    BaseThrottle,
    ScopedRateThrottle,
    UserRateThrottle,
)
from rest_framework.views import APIView


class UploadsRateThrottle(UserRateThrottle):
    """The "uploads" budget, shared with POST /api/v1/images: the cache key is
    the same (throttle_uploads_<user id>)."""

    scope = "uploads"


class MessagingApi(APIView):
    """Writes (POST, DELETE) count against THROTTLE_MESSAGES per user; a write
    that carries an image counts against THROTTLE_UPLOADS too."""

    permission_classes = [IsAuthenticated]

    def get_throttles(self) -> list[BaseThrottle]:
        if self.request.method not in ("POST", "DELETE"):
            return super().get_throttles()
        self.throttle_scope = "messages"
        throttles: list[BaseThrottle] = [ScopedRateThrottle()]
        if _carries_files(self.request):
            throttles.append(UploadsRateThrottle())
        return throttles


def _carries_files(request: Request) -> bool:
    # Only multipart bodies are parsed for files here; a JSON body stays unread.
    return request.content_type.startswith("multipart/") and bool(request.FILES)


def with_user(serializer: type, request: Request) -> type:
    """``paginated`` builds the serializer with the request only; ours need the
    user for the side-dependent fields."""

    class WithUser(serializer):
        def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
            kwargs.setdefault("context", {})["user"] = request.user
            super().__init__(*args, **kwargs)

    return WithUser
