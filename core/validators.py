from __future__ import annotations

from django.core.exceptions import ValidationError

# Multi-line text (messages, report details): newlines and tabs are text.
TEXT_CONTROLS = frozenset({"\n", "\t"})
# Request bodies as sent: browsers send a textarea's newlines as CR LF.
BODY_CONTROLS = TEXT_CONTROLS | {"\r"}


def _is_control(ch: str) -> bool:
    return ord(ch) < 32 or 127 <= ord(ch) < 160


def reject_control_characters(value: str) -> str:
    """Plain-text fields refuse C0/C1 control characters (newlines included): they
    break layouts and logs and are never needed in a name or a tagline."""
    if any(_is_control(ch) for ch in value):
        raise ValidationError("Control characters are not allowed.", code="control")
    return value


def has_control_characters(
    text: str, *, allowed: frozenset[str] = TEXT_CONTROLS
) -> bool:
    """True when text holds a control character other than the ``allowed`` ones
    (by default: multi-line text, where a newline or a tab is text; pass an
    empty set for one-line values such as query parameters)."""
    return any(_is_control(ch) and ch not in allowed for ch in text)
