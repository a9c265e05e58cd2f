"""The one error hierarchy of the project. Services raise these; the API's exception
handler maps them to HTTP with the shared error shape (docs/architecture.md,
invariant 10)."""

from __future__ import annotations

from typing import Any


class ApplicationError(Exception):
    """A failure the caller can act on. ``code`` is stable and machine-readable."""

    status_code = 400
    code = "invalid"
    default_message = "The request could not be processed."

    def __init__(
        self, message: str | None = None, *, fields: dict[str, Any] | None = None
    ):
        self.message = message or self.default_message
        self.fields = fields or {}
        super().__init__(self.message)


class ValidationFailed(ApplicationError):
    status_code = 400
    code = "validation_error"
    default_message = "Some fields are invalid."


class PermissionDenied(ApplicationError):
    status_code = 403
    code = "permission_denied"
    default_message = "You are not allowed to do this."


class SecondFactorRequired(PermissionDenied):
    """A provider or agency submits a first profile without a TOTP app or
    passkey (docs/joining.md)."""

    code = "second_factor_required"
    default_message = (
        "Protect your account with a second factor before you submit your "
        "profile: set up an authenticator app or a passkey under Account "
        "security (/accounts/2fa/), then submit again."
    )


class FeatureDisabled(PermissionDenied):
    """An admin switched the feature off (core.switches): it refuses new writes
    until switched on again."""

    code = "feature_disabled"
    default_message = "This feature is switched off for now."


class NotFound(ApplicationError):
    status_code = 404
    code = "not_found"
    default_message = "Not found."


class Conflict(ApplicationError):
    status_code = 409
    code = "conflict"
    default_message = "The request conflicts with the current state."


class PayloadTooLarge(ApplicationError):
    status_code = 413
    code = "payload_too_large"
    default_message = "The request body is too large."


class ServiceUnavailable(ApplicationError):
    """A write whose only record would be in Redis, while Redis is down."""

    status_code = 503
    code = "service_unavailable"
    default_message = "This is unavailable for a moment. Please try again shortly."


class ScreeningNotMet(PermissionDenied):
    """A provider's screening requirements refuse a first message or a booking
    request. The message is neutral on purpose: it never says which criterion."""

    code = "screening_not_met"
    default_message = (
        "This provider accepts requests from clients who meet their screening "
        "requirements."
    )
