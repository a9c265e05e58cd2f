"""OpenAPI (drf-spectacular) hooks and extensions for /api/v1/."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension


def only_versioned_api(endpoints: list, **kwargs) -> list:
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]


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
