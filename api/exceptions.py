"""Maps every API failure to the one error shape of docs/architecture.md, invariant 10:
``{"error": {"code": "...", "message": "...", "fields": {...}}}``."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import (
    NON_FIELD_ERRORS,
    RequestDataTooBig,
    TooManyFieldsSent,
)
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import error_body
from core.exceptions import ApplicationError

_MESSAGES = {
    "parse_error": "The request body is not valid JSON.",
    "not_authenticated": "Sign in to do this.",
    "authentication_failed": "Your credentials were not accepted.",
    "permission_denied": "You are not allowed to do this.",
    "not_found": "Not found.",
    "method_not_allowed": "This method is not allowed here.",
    "unsupported_media_type": "This content type is not supported here.",
    "throttled": "Too many requests. Try again later.",
}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ApplicationError):
        return Response(
            error_body(exc.code, exc.message, exc.fields), status=exc.status_code
        )
    if isinstance(exc, RequestDataTooBig | TooManyFieldsSent):
        return Response(
            error_body("payload_too_large", "The request body is too large."),
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, DjangoValidationError):
        exc = _from_django_validation_error(exc)

    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a real server error: logged and answered by handler500
    response.data = _shape(exc, response)
    return response


def _from_django_validation_error(
    exc: DjangoValidationError,
) -> exceptions.ValidationError:
    """Model ``full_clean()`` and validators called from services raise Django's
    ValidationError, which DRF leaves unhandled (a 500). Its field dict becomes
    ``fields``; Django's ``__all__`` key gets DRF's name for non-field errors."""
    detail = as_serializer_error(exc)
    if NON_FIELD_ERRORS in detail:
        detail[api_settings.NON_FIELD_ERRORS_KEY] = detail.pop(NON_FIELD_ERRORS)
    return exceptions.ValidationError(detail)


def _shape(exc: exceptions.APIException, response: Response) -> dict:
    if isinstance(exc, exceptions.ValidationError):
        fields = (
            exc.detail
            if isinstance(exc.detail, dict)
            else {"non_field_errors": exc.detail}
        )
        return error_body("validation_error", "Some fields are invalid.", fields)
    code = exc.default_code if isinstance(exc.default_code, str) else "error"
    message = _MESSAGES.get(code, str(exc.detail))
    if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
        message = f"{message} Retry in {int(exc.wait) + 1} s."
    if isinstance(exc, exceptions.ParseError) and code == "parse_error":
        message = str(exc.detail) if "JSON" in str(exc.detail) else message
    return error_body(code, message)
