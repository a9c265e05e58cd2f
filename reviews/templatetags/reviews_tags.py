"""Formatting of ratings for the reviews templates; no queries, no decisions."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django import template

register = template.Library()


@register.filter
def star_steps(value: Any) -> int:
    """A rating as half stars, 0..10 (4.67 -> 9): the CSS class that fills that
    many half stars (``stars--9``). The number itself is always written out."""
    if value is None:
        return 0
    halves = (Decimal(str(value)) * 2).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return max(0, min(10, int(halves)))
