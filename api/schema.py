"""OpenAPI (drf-spectacular) hooks and extensions for /api/v1/."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension

ERROR_REF = {"$ref": "#/components/schemas/Error"}

# docs/architecture.md, invariant 10: every 4xx under /api/ has this one shape.
ERROR_COMPONENT = {
    "type": "object",
    "description": "The one error shape of every 4xx and 5xx under /api/.",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "fields"],
            "properties": {
                "code": {
                    "type": "string",
                    "description": "Stable, machine-readable: validation_error, …",
                },
                "message": {"type": "string", "description": "For people."},
                "fields": {
                    "type": "object",
                    "additionalProperties": True,
                    "description": "Per invalid field, its messages; else empty.",
                },
            },
        }
    },
}

ERROR_DESCRIPTIONS = {
    "400": "validation_error (fields names them; also a control character in the "
    "path or query) or parse_error (not JSON)",
    "401": "not_authenticated: no or bad credentials",
    "403": "permission_denied: not allowed (or the CSRF token is missing)",
    "404": "not_found: no such object, or one you may not see",
    "409": "conflict with the current state",
    "413": "payload_too_large",
    "415": "unsupported_media_type",
    "429": "throttled: Retry-After says when to try again",
    "503": "service_unavailable: a part it needs is down; try again shortly",
}

UNSAFE = {"post", "put", "patch", "delete"}


def only_versioned_api(endpoints: list, **kwargs: Any) -> list:  # noqa: ANN401
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]


def document_errors(result: dict, **kwargs: Any) -> dict:  # noqa: ANN401
    """Every operation documents the 4xx it can answer, each with the Error
    component, so clients (and the fuzzer in the suite) can rely on the schema.
    What follows from an operation's shape is added here once for all views; a
    view declares only its own extras (``extend_schema(responses={409:
    OpenApiResponse(description=...)})``) and this gives them the body."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = (
        ERROR_COMPONENT
    )
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for status in _error_statuses(method, operation):
                responses.setdefault(status, {"description": ""})
            for status, response in responses.items():
                if status.startswith("4") or status == "503":
                    _with_error_body(status, response)
            operation["responses"] = dict(sorted(responses.items()))
    return result


def _error_statuses(method: str, operation: dict) -> set[str]:
    parameters = operation.get("parameters", [])
    # Every view has a throttle (429), and any request whose path or query holds
    # a control character answers 400 (core.control_characters).
    statuses = {"400", "429"}
    if "requestBody" in operation:
        statuses |= {"413", "415"}
    # drf-spectacular lists the empty requirement {} when anonymous requests pass.
    if {} not in operation.get("security", [{}]):
        statuses |= {"401", "403"}
    if method in UNSAFE:
        statuses.add("403")  # CSRF on session writes, the wrong role or side
    if any(p["in"] == "path" for p in parameters):
        statuses.add("404")
    return statuses


def _with_error_body(status: str, response: dict) -> None:
    if not response.get("description"):
        response["description"] = ERROR_DESCRIPTIONS.get(status, "error")
    response["content"] = {"application/json": {"schema": ERROR_REF}}


class SessionTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.SessionTokenAuthentication"
    name = "sessionToken"

    def get_security_definition(self, auto_schema) -> dict:  # noqa: ANN001
        return {
            "type": "apiKey",
            "in": "header",
            "name": "X-Session-Token",
            "description": "Session token from allauth's app API (/_allauth/app/v1/).",
        }
