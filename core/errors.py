"""The one error shape (docs/architecture.md, invariant 10) for JSON responses outside
DRF too."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, JsonResponse


def error_body(code: str, message: str, fields: dict[str, Any] | None = None) -> dict:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def error_response(
    status: int, code: str, message: str, fields: dict[str, Any] | None = None
) -> JsonResponse:
    return JsonResponse(error_body(code, message, fields), status=status)


def wants_json(request: HttpRequest) -> bool:
    """API paths always speak JSON; elsewhere only when the client asks for it."""
    if request.path.startswith(("/api/", "/_allauth/")):
        return True
    accept = request.headers.get("Accept", "")
    return "application/json" in accept and "text/html" not in accept
