"""Formatting for the design system's components; these tags never query."""

from __future__ import annotations

from typing import Any

from django import template

from core.formatting import format_money

register = template.Library()


@register.filter
def card_from_price(profile: Any) -> str:
    """A card's "from" price: the listing's own figure (``from_price_display``)
    when it set one, else the lowest rate the listing read with the profile
    (``from_amount_minor`` and ``from_currency``: directory.selectors.
    with_from_price). A card never loads rates itself: one query per card would
    make listings grow with their length (query counts stay constant on every
    page that lists)."""
    given = getattr(profile, "from_price_display", "")
    if given:
        return str(given)
    amount = getattr(profile, "from_amount_minor", None)
    if amount is None:
        return ""
    return format_money(amount, profile.from_currency)
