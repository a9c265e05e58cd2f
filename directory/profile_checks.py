"""Automated checks of a profile's text before it is submitted
(docs/automated-checks.md). The checks belong to moderation, which sits above
directory: directory asks through two Wagtail hooks it names, as it asks
reviews for ratings (directory/ratings.py), and never imports moderation.

- ``PROFILE_TEXT_FLAGS_HOOK``: called with ``fields`` (name → plain text);
  returns a list of flags, each a dict with at least ``where`` (the field),
  ``why`` (what to change) and ``blocks`` (True: the edit is refused).
- ``PROFILE_FLAGGED_HOOK``: called after a revision was submitted with flags
  that do not block, with ``profile``, ``revision``, ``actor`` and ``flags``,
  so the moderators get an automated report.

Without a registered hook a profile's text is simply not checked."""

from __future__ import annotations

import html
import re
from typing import Any

from wagtail import hooks
from wagtail.models import Revision

from accounts.models import User
from core.exceptions import ValidationFailed

PROFILE_TEXT_FLAGS_HOOK = "profile_text_flags"
PROFILE_FLAGGED_HOOK = "profile_submitted_with_flags"

_TAG = re.compile(r"<[^>]*>")


def plain_text(stored_html: str) -> str:
    """A sanitised bio (BIO_TAGS only) as the words a reader sees."""
    return html.unescape(_TAG.sub(" ", stored_html or ""))


def profile_text_flags(*, fields: dict[str, str]) -> list[dict[str, Any]]:
    flags: list[dict[str, Any]] = []
    for hook in hooks.get_hooks(PROFILE_TEXT_FLAGS_HOOK):
        flags.extend(hook(fields=fields))
    return flags


def profile_text_check(*, fields: dict[str, str]) -> list[dict[str, Any]]:
    """Refuse the edit (ValidationFailed, field errors) when a flag blocks;
    otherwise return the flags that go to the moderators."""
    flags = profile_text_flags(fields=fields)
    errors: dict[str, list[str]] = {}
    for flag in flags:
        if flag["blocks"] and flag["why"] not in errors.setdefault(flag["where"], []):
            errors[flag["where"]].append(flag["why"])
    errors = {name: problems for name, problems in errors.items() if problems}
    if errors:
        raise ValidationFailed(
            "Please change the highlighted text before submitting.", fields=errors
        )
    return flags


def profile_flagged(
    *, profile: Any, revision: Revision, actor: User, flags: list[dict[str, Any]]
) -> None:
    if not flags:
        return
    for hook in hooks.get_hooks(PROFILE_FLAGGED_HOOK):
        hook(profile=profile, revision=revision, actor=actor, flags=flags)
