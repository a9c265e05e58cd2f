from __future__ import annotations

from django.core.exceptions import ValidationError


def reject_control_characters(value: str) -> str:
    """Plain-text fields refuse C0/C1 control characters (newlines included): they
    break layouts and logs and are never needed in a name or a tagline."""
    if any(ord(ch) < 32 or 127 <= ord(ch) < 160 for ch in value):
        raise ValidationError("Control characters are not allowed.", code="control")
    return value
