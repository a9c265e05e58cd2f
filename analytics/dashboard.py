"""What the analytics pages show, built from ``analytics.selectors``: the KPI
tiles, the charts (core.charts), the CSV rows, and the small panel on the
dashboard home (directory.dashboard's ``dashboard_panels`` signal)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from analytics.selectors import Figures, ProfileRow, profile_figures
from core.charts import Chart, Series, bar_chart, line_chart, sparkline
from core.formatting import format_money, to_major_units
from directory.dashboard import PROVIDER, DashboardPanel, dashboard_panels
from directory.selectors import profiles_editable_by

PANEL_DAYS = 30
# A spreadsheet runs a cell starting with one of these as a formula; profile
# names are typed by people, so they are defused in every export.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Tile:
    key: str
    label: str
    value: str
    change: float | None = None  # percent against the previous period

    @property
    def trend(self) -> str:
        if self.change is None or self.change == 0:
            return "flat"
        return "up" if self.change > 0 else "down"


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:g}%"


def _minutes(value: float | None) -> str:
    return "—" if value is None else _("%(n)s min") % {"n": f"{value:g}"}


def _count(value: int) -> str:
    return f"{value:,}"


# (figure, label, how its value is written): the tiles, in reading order.
TILES = (
    ("views", gettext_lazy("Profile views"), _count),
    ("impressions", gettext_lazy("Shown in search"), _count),
    ("contact_clicks", gettext_lazy("Contact clicks"), _count),
    ("conversations", gettext_lazy("Conversations"), _count),
    ("response_minutes", gettext_lazy("Average first reply"), _minutes),
    ("booking_requests", gettext_lazy("Booking requests"), _count),
    ("acceptance", gettext_lazy("Accepted"), _percent),
    ("completion", gettext_lazy("Completed"), _percent),
    ("conversion", gettext_lazy("Views to requests"), _percent),
)


def kpi_tiles(figures: Figures) -> list[Tile]:
    tiles = [
        Tile(key, str(label), write(getattr(figures.totals, key)), figures.change(key))
        for key, label, write in TILES
    ]
    ratio = figures.exposure["ratio"]
    tiles.append(
        Tile(
            "exposure",
            _("Exposure vs fair share"),
            "—" if ratio is None else f"{ratio:g}×",
        )
    )
    for currency, minor in figures.earnings.items():
        label = _("Deposits earned (%(currency)s)") % {"currency": currency}
        tiles.append(Tile(f"earnings_{currency}", label, format_money(minor, currency)))
    return tiles


def _label(day: dt.date) -> str:
    return f"{day.day} {day:%b}"


def figure_charts(figures: Figures) -> dict[str, Chart]:
    labels = [_label(d.day) for d in figures.days]
    days = figures.days
    charts = {
        "activity": line_chart(
            x_labels=labels,
            title=_("Views, contact clicks and booking requests per day"),
            series=[
                Series(_("Views"), [d.views for d in days]),
                Series(_("Contact clicks"), [d.contact_clicks for d in days]),
                Series(_("Booking requests"), [d.booking_requests for d in days]),
            ],
        ),
        "bookings": bar_chart(
            x_labels=labels,
            title=_("Bookings confirmed and completed per day"),
            series=[
                Series(_("Confirmed"), [d.bookings_confirmed for d in days]),
                Series(_("Completed"), [d.bookings_completed for d in days]),
            ],
        ),
        "response": line_chart(
            x_labels=labels,
            title=_("Average time to a first reply per day"),
            unit=_("min"),
            # A day without replies has no response time: a gap, not a zero.
            series=[Series(_("First reply"), [d.response_minutes for d in days])],
        ),
        "exposure": _exposure_chart(figures),
    }
    if figures.earnings:
        charts["earnings"] = bar_chart(
            x_labels=labels,
            title=_("Deposits earned per day"),
            series=[
                Series(
                    currency,
                    [float(to_major_units(d.earnings.get(currency, 0))) for d in days],
                )
                for currency in figures.earnings
            ],
        )
    return charts


def _exposure_chart(figures: Figures) -> Chart:
    exposure = figures.exposure

    def percent(value: float | None) -> float | None:
        return None if value is None else round(100 * value, 1)

    return bar_chart(
        x_labels=[_("First-page impressions in your band")],
        title=_("Your share of first-page impressions against the fair share"),
        unit="%",
        height=200,
        series=[
            Series(_("Your share"), [percent(exposure["share"])]),
            Series(_("Fair share"), [percent(exposure["fair_share"])]),
        ],
    )


# -- CSV -----------------------------------------------------------------------

DAY_COLUMNS = (
    "views",
    "impressions",
    "gallery_opens",
    "contact_clicks",
    "conversations",
    "replies",
    "response_minutes",
    "booking_requests",
    "bookings_confirmed",
    "bookings_completed",
    "acceptance",
    "completion",
    "conversion",
)


def _cell(value: object) -> str:
    if value is None:
        return ""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _header(name: str) -> str:
    return (
        f"{name}_percent"
        if name in ("acceptance", "completion", "conversion")
        else name
    )


def daily_csv_rows(figures: Figures) -> list[list[str]]:
    """One row per day with every figure; deposits per currency in major units."""
    currencies = list(figures.earnings)
    header = ["date", *(_header(c) for c in DAY_COLUMNS)]
    header += [f"earnings_{c.lower()}" for c in currencies]
    rows = [header]
    for day in figures.days:
        row = [day.day.isoformat(), *(_cell(getattr(day, c)) for c in DAY_COLUMNS)]
        row += [str(to_major_units(day.earnings.get(c, 0))) for c in currencies]
        rows.append(row)
    return rows


def table_csv_rows(table: list[ProfileRow]) -> list[list[str]]:
    currencies = sorted({c for row in table for c in row.earnings})
    header = [
        "profile_id",
        "profile",
        *(_header(c) for c in DAY_COLUMNS if c != "replies"),
    ]
    header += [f"earnings_{c.lower()}" for c in currencies]
    rows = [header]
    for row in table:
        cells = [str(row.profile_id), _cell(row.name)]
        cells += [_cell(getattr(row.counts, c)) for c in DAY_COLUMNS if c != "replies"]
        cells += [str(to_major_units(row.earnings.get(c, 0))) for c in currencies]
        rows.append(cells)
    return rows


# -- the dashboard home's panel ------------------------------------------------


@receiver(dashboard_panels, dispatch_uid="analytics.dashboard")
def analytics_panel(
    sender: Any, *, user: User, audience: str, **kwargs: Any
) -> list[DashboardPanel]:
    """Views over the last 30 days as a sparkline, summed over the profiles the
    provider manages, and the way to the full dashboard."""
    if audience != PROVIDER:
        return []
    end = timezone.localdate()
    start = end - dt.timedelta(days=PANEL_DAYS - 1)
    figures = profile_figures(
        profiles=profiles_editable_by(user=user), start=start, end=end
    )
    context = {
        "days": PANEL_DAYS,
        "views": figures.totals.views,
        "spark": sparkline(
            values=[d.views for d in figures.days],
            title=_("Profile views per day, the last %(n)s days") % {"n": PANEL_DAYS},
            width=240,
            height=48,
        ),
    }
    return [DashboardPanel("analytics", 40, "analytics/_dashboard_panel.html", context)]
