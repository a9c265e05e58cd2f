"""The one home of price comparison across currencies (docs/architecture.md, "One
home per rule"). Rates are stored as integer minor units + ISO currency
(invariant 7); search filters, facets and cards compare them per hour in one
currency, converted with the fixed reference table ``settings.SEARCH_EUR_RATES``
(set by operations, not live FX). Each profile page still shows its own prices."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

from core.formatting import format_money

COMPARISON_CURRENCY = "EUR"


def to_comparison_minor(amount_minor: int, currency: str) -> int:
    """An amount in another currency as EUR cents: ``10000, "GBP"`` -> 11700."""
    return round(amount_minor * settings.SEARCH_EUR_RATES[currency])


def hourly_comparison_minor(
    amount_minor: int, currency: str, duration_minutes: int
) -> int:
    """A rate for any duration as EUR cents per hour (what the index stores)."""
    return round(
        amount_minor * settings.SEARCH_EUR_RATES[currency] * 60 / duration_minutes
    )


def hourly_price_label(cents: int | None) -> str:
    """What a result card says: "from 250 EUR per hour" (whole units: converted
    amounts are a guide, not a quote)."""
    if cents is None:
        return ""
    whole = round(cents / 100) * 100
    return _("from %(price)s per hour") % {
        "price": format_money(whole, COMPARISON_CURRENCY)
    }


def converted_currencies_note(currencies: list[str]) -> str:
    """Said on the page when some results quote in another currency."""
    if not currencies:
        return ""
    return _(
        "Prices converted to %(currency)s for comparison (from %(others)s, at "
        "reference rates); each profile shows its own prices."
    ) % {"currency": COMPARISON_CURRENCY, "others": ", ".join(currencies)}
