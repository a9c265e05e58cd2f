"""The keyset cursor of search results: the last row's sort key and the sort
name, signed (django.core.signing) so a changed cursor is a 400, plus how many
results came before (for impression positions). No OFFSET anywhere: page 50
costs what page 1 does."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core import signing
from django.db.models import Q
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from core.exceptions import ValidationFailed

CURSOR_SALT = "search.cursor"


def _after(keys: list, values: list) -> Q:
    """Rows strictly after ``values`` in the key order (keyset pagination)."""
    condition = Q()
    for index, (name, descending) in enumerate(keys):
        step = Q(**{f"{name}__{'lt' if descending else 'gt'}": values[index]})
        for earlier in range(index):
            step &= Q(**{keys[earlier][0]: values[earlier]})
        condition |= step
    return condition


def _encode(value: object) -> list:
    if isinstance(value, dt.datetime):
        return ["t", value.isoformat()]
    if isinstance(value, Decimal):
        return ["d", str(value)]
    return ["v", value]


def _decode(item: object) -> object:
    if not (isinstance(item, list) and len(item) == 2):
        raise ValueError
    kind, raw = item
    if kind == "t":
        parsed = parse_datetime(raw) if isinstance(raw, str) else None
        if parsed is None:
            raise ValueError
        return parsed
    if kind == "d":
        return Decimal(str(raw))
    if kind == "v" and isinstance(raw, (bool, int, float)):
        return raw
    raise ValueError


def encode_cursor(*, sort: str, key: list, shown: int = 0) -> str:
    return signing.dumps(
        {"sort": sort, "key": [_encode(v) for v in key], "shown": shown},
        salt=CURSOR_SALT,
    )


def cursor_shown(cursor: str | None) -> int:
    """How many results came before the cursor's page (0 without a cursor). Only
    read after decode_cursor accepted the cursor; a missing count reads as 0."""
    if not cursor:
        return 0
    shown = signing.loads(cursor, salt=CURSOR_SALT).get("shown", 0)
    return shown if isinstance(shown, int) and shown >= 0 else 0


def decode_cursor(cursor: str, *, sort: str, size: int) -> list:
    # People meet cursors as "Next page" links: an old or edited one is "expired".
    expired = _("This page of results has expired: start the search again.")
    invalid = ValidationFailed(expired, fields={"cursor": [expired]})
    try:
        data = signing.loads(cursor, salt=CURSOR_SALT)
    except signing.BadSignature as error:
        raise invalid from error
    if not isinstance(data, dict) or data.get("sort") != sort:
        raise invalid
    key = data.get("key")
    try:
        if not isinstance(key, list) or len(key) != size:
            raise ValueError
        return [_decode(item) for item in key]
    except (ValueError, TypeError, InvalidOperation) as error:
        raise invalid from error
