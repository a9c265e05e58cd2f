"""The one place a period of days is read from outside (query strings, API
parameters): the dashboards' 7/30/90-day switch and free start/end dates for
reports. Bad input raises ``PeriodInvalid`` (400, the shared error shape) with a
message a person can act on (docs/architecture.md, invariant 10)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import ValidationFailed

DASHBOARD_DAYS = (7, 30, 90)
DEFAULT_DAYS = 30
# Two years, leap day included: older figures are for the archive, and a longer
# range would only make one chart unreadable.
MAX_SPAN = dt.timedelta(days=731)


class PeriodInvalid(ValidationFailed):
    code = "invalid_period"
    default_message = "The period is invalid."


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date  # inclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def previous(self) -> Period:
        """The period of the same length just before this one."""
        end = self.start - dt.timedelta(days=1)
        return Period(start=end - dt.timedelta(days=self.days - 1), end=end)

    def dates(self) -> list[dt.date]:
        return [self.start + dt.timedelta(days=n) for n in range(self.days)]


def _error(field: str, message: str) -> PeriodInvalid:
    return PeriodInvalid(message, fields={field: [message]})


def _as_date(value: str | dt.date, field: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise _error(
            field,
            _("%(field)s must be a date written as YYYY-MM-DD.")
            % {"field": field.capitalize()},
        ) from None


def _as_days(value: str | int, allowed: Iterable[int]) -> int:
    allowed = tuple(allowed)
    choices = ", ".join(str(n) for n in allowed[:-1])
    message = _("Choose a period of %(choices)s or %(last)s days.") % {
        "choices": choices,
        "last": allowed[-1],
    }
    try:
        days = int(str(value).strip())
    except ValueError:
        raise _error("days", message) from None
    if days not in allowed:
        raise _error("days", message)
    return days


def period_parse(
    *,
    days: str | int | None = None,
    start: str | dt.date | None = None,
    end: str | dt.date | None = None,
    allowed_days: Iterable[int] = DASHBOARD_DAYS,
    default_days: int = DEFAULT_DAYS,
    max_span: dt.timedelta = MAX_SPAN,
    today: dt.date | None = None,
) -> Period:
    """Either ``days`` (the last n days up to today) or ``start`` with an
    optional ``end`` (default today). Empty strings count as absent, as an empty
    form field sends them."""
    today = today or timezone.localdate()
    days, start, end = (None if v in ("", None) else v for v in (days, start, end))
    if start is None and end is None:
        n = default_days if days is None else _as_days(days, allowed_days)
        return Period(start=today - dt.timedelta(days=n - 1), end=today)
    if days is not None:
        raise _error("days", _("Give either a number of days or dates, not both."))
    if start is None:
        raise _error("start", _("Give a start date for the period."))
    first = _as_date(start, "start")
    last = today if end is None else _as_date(end, "end")
    if last < first:
        raise _error("end", _("The end date is before the start date."))
    if last > today:
        raise _error("end", _("The period cannot end after today."))
    if last - first >= max_span:
        raise _error(
            "start",
            _("A period can cover at most %(days)s days.") % {"days": max_span.days},
        )
    return Period(start=first, end=last)
