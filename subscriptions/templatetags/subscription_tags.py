from __future__ import annotations

from django import template

from core.formatting import format_money

register = template.Library()


@register.filter
def money(amount_minor: int, currency: str) -> str:
    """``{{ invoice.amount_minor|money:invoice.currency }}`` -> "29 EUR"."""
    return format_money(int(amount_minor or 0), currency)
