"""Formatting for the design system's components; these tags never query."""

from __future__ import annotations

from typing import Any

from django import template

from core.formatting import format_money

register = template.Library()


@register.filter
def card_from_price(profile: Any) -> str:
    """A card's "from" price: the listing's own figure (``from_price_display``)
    when it set one, else the lowest of the rates it prefetched. A card never
    loads rates itself: one query per card would make listings grow with their
    length (query counts stay constant on every page that lists)."""
    given = getattr(profile, "from_price_display", "")
    if given:
        return str(given)
    rates = getattr(profile, "_prefetched_objects_cache", {}).get("rates")
    if not rates:
        return ""
    lowest = min(rates, key=lambda rate: rate.amount_minor)
    return format_money(lowest.amount_minor, lowest.currency)
