"""How money and durations read wherever they are shown (pages, emails, forms,
error messages): the one home of both rules (docs/architecture.md, "One home
per rule"). Formatting only; no domain logic."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import dateformat
from django.utils.translation import ngettext


def format_money(amount_minor: int, currency: str) -> str:
    """Integer minor units + ISO currency (invariant 7) as people read them:
    ``30000, "EUR"`` -> "300 EUR", ``12345, "EUR"`` -> "123.45 EUR"; whole
    amounts drop ".00"."""
    return f"{amount_minor / 100:,.2f} {currency}".replace(".00 ", " ")


def format_duration(minutes: int) -> str:
    """Whole hours in hours, anything else in minutes: "1 hour", "90 minutes"."""
    if minutes % 60:
        return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}
    hours = minutes // 60
    return ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}


def to_major_units(amount_minor: int) -> Decimal:
    """For forms that edit an amount as people write it: 30000 -> 300.00."""
    return Decimal(amount_minor) / 100


def to_minor_units(amount: Decimal) -> int:
    """Back from a form's two-decimal amount to what is stored (invariant 7)."""
    return int(amount * 100)


def format_local_time(moment: dt.datetime, time_zone: str) -> str:
    """A moment as people in ``time_zone`` (a city's zone) read it in a sentence:
    "Tue 8 Dec, 14:00". Stored times are UTC (invariant 7); every title and
    list that names a booking's time goes through here."""
    local = moment.astimezone(ZoneInfo(time_zone or "UTC"))
    return dateformat.format(local, "D j M, H:i")
