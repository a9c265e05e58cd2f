"""The one chart component of the site: server-rendered SVG, no JavaScript and
no library (docs/design.md, "Charts").

The functions here do the geometry only (nice axis ticks, scales, paths, bar
rectangles, which x labels to show) and return a frozen ``Chart``; one template
per kind under ``templates/core/charts/`` draws it. Colours come from CSS
classes (``.chart__line--1`` …) in site.css, never from ``style=`` attributes,
which the CSP refuses.

Every chart carries its numbers (``Chart.table_rows``) so a page can put the
table beside the picture: the SVG is the summary, the table is the record.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field, replace

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

# Room around the plot, in viewBox units: y tick labels on the left, x labels
# below. Generous on the left because narrow screens enlarge the labels (CSS).
MARGIN_LEFT = 52
MARGIN_RIGHT = 12
MARGIN_TOP = 14
MARGIN_BOTTOM = 30
# At most this many x labels at full width; every other one of them is marked
# "minor" and hidden on narrow screens, where labels are drawn larger.
MAX_X_LABELS = 8
Y_TICKS = 5


@dataclass(frozen=True)
class Series:
    label: str
    values: list[float | None]


@dataclass(frozen=True)
class Tick:
    position: float
    label: str
    minor: bool = False
    anchor: str = "middle"  # SVG text-anchor: the ends of a line stay inside


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    tooltip: str


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    tooltip: str


@dataclass(frozen=True)
class PlottedSeries:
    label: str
    number: int  # 1-based: the CSS class suffix (chart__line--1 …)
    path: str = ""
    area: str = ""
    points: list[Point] = field(default_factory=list)
    bars: list[Bar] = field(default_factory=list)


@dataclass(frozen=True)
class Chart:
    kind: str  # "line", "bars" or "sparkline": the template's name
    title: str
    description: str
    unit: str
    width: int
    height: int
    x_labels: list[str]
    series: list[Series]
    plotted: list[PlottedSeries]
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    baseline: float
    plot_left: float
    plot_right: float
    plot_top: float
    plot_bottom: float

    @property
    def empty(self) -> bool:
        return not any(v is not None for s in self.series for v in s.values)

    @property
    def y_label_x(self) -> float:
        return self.plot_left - 8

    @property
    def centre(self) -> tuple[float, float]:
        return (
            round((self.plot_left + self.plot_right) / 2, 2),
            round((self.plot_top + self.plot_bottom) / 2, 2),
        )

    @property
    def dom_id(self) -> str:
        """Stable per content, so two charts on a page get different ids for
        their aria-labelledby without a counter."""
        key = "|".join([self.kind, self.title, *self.x_labels]).encode()
        return "chart-" + hashlib.sha1(key, usedforsecurity=False).hexdigest()[:10]

    @property
    def table_rows(self) -> list[tuple[str, list[str]]]:
        """(x label, formatted value per series) for the numbers table."""
        return [
            (label, [format_value(s.values[i], self.unit) for s in self.series])
            for i, label in enumerate(self.x_labels)
        ]

    def render(self) -> SafeString:
        return SafeString(
            render_to_string(f"core/charts/{self.kind}.html", {"chart": self}).strip()
        )

    def render_legend(self) -> SafeString:
        """The key, as HTML beside the SVG: it wraps on a phone, SVG text
        does not."""
        return SafeString(render_to_string("core/charts/legend.html", {"chart": self}))

    def __html__(self) -> str:
        # Lets a template write {{ chart }}.
        return self.render()


# -- numbers -------------------------------------------------------------------


def format_value(value: float | None, unit: str = "") -> str:
    if value is None:
        return "—"
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    return f"{text} {unit}".strip() if unit and unit != "%" else text + unit


def _format_tick(value: float, step: float) -> str:
    """Short tick labels (1.2k) so they fit the left margin when enlarged."""
    if abs(value) >= 1000 and step >= 100:
        text = f"{value / 1000:.1f}".rstrip("0").rstrip(".")
        return f"{text}k"
    decimals = max(0, -math.floor(math.log10(step))) if step < 1 else 0
    return f"{value:.{decimals}f}"


def _nice_number(value: float, *, round_it: bool) -> float:
    exponent = math.floor(math.log10(value))
    fraction = value / 10**exponent
    if round_it:
        nice = 1 if fraction < 1.5 else 2 if fraction < 3 else 5 if fraction < 7 else 10
    else:
        nice = (
            1 if fraction <= 1 else 2 if fraction <= 2 else 5 if fraction <= 5 else 10
        )
    return nice * 10**exponent


def nice_ticks(
    low: float, high: float, count: int = Y_TICKS, *, whole: bool = False
) -> list[float]:
    """Round tick values covering [low, high] (Heckbert's "nice numbers"). An
    empty or flat range still gets an axis, from 0 or around the value.
    ``whole``: counts have no 0.2 of a booking, so steps are at least 1."""
    if high < low:
        low, high = high, low
    if high == low:
        high = low + 1 if low >= 0 else low + abs(low)
        low = min(low, 0)
    span = _nice_number(high - low, round_it=False)
    step = _nice_number(span / max(count - 1, 1), round_it=True)
    if whole:
        step = max(step, 1)
    first = math.floor(low / step) * step
    last = math.ceil(high / step) * step
    steps = round((last - first) / step)
    return [round(first + i * step, 10) for i in range(steps + 1)]


def _value_range(series: list[Series]) -> tuple[float, float]:
    values = [v for s in series for v in s.values if v is not None]
    # Counts and money start at zero: a bar or a line from a cut axis misleads.
    low = min([0.0, *values])
    high = max([0.0, *values])
    return low, high


# -- geometry ------------------------------------------------------------------


@dataclass(frozen=True)
class _Frame:
    left: float
    right: float
    top: float
    bottom: float
    low: float
    high: float

    def y(self, value: float) -> float:
        if self.high == self.low:
            return self.bottom
        share = (value - self.low) / (self.high - self.low)
        return round(self.bottom - share * (self.bottom - self.top), 2)


def _frame(series: list[Series], width: int, height: int) -> tuple[_Frame, list[Tick]]:
    values = [v for s in series for v in s.values if v is not None]
    whole = all(float(v).is_integer() for v in values)
    ticks = nice_ticks(*_value_range(series), whole=whole)
    step = ticks[1] - ticks[0] if len(ticks) > 1 else 1
    frame = _Frame(
        left=MARGIN_LEFT,
        right=width - MARGIN_RIGHT,
        top=MARGIN_TOP,
        bottom=height - MARGIN_BOTTOM,
        low=ticks[0],
        high=ticks[-1],
    )
    y_ticks = [Tick(frame.y(t), _format_tick(t, step)) for t in ticks]
    return frame, y_ticks


def _x_ticks(x_labels: list[str], centres: list[float]) -> list[Tick]:
    """Every n-th label so at most MAX_X_LABELS show; the last one always."""
    if not x_labels:
        return []
    stride = max(1, math.ceil(len(x_labels) / MAX_X_LABELS))
    shown = list(range(0, len(x_labels), stride))
    last = len(x_labels) - 1
    if shown[-1] != last:
        # The latest day matters most: it replaces a neighbour too close to it.
        if last - shown[-1] < stride / 2 and len(shown) > 1:
            shown[-1] = last
        else:
            shown.append(last)
    return [
        Tick(centres[i], x_labels[i], minor=n % 2 == 1 and n != len(shown) - 1)
        for n, i in enumerate(shown)
    ]


def _edge_anchored(ticks: list[Tick], frame: _Frame) -> list[Tick]:
    """A line's first and last points sit on the plot's edges: their labels
    grow inwards, or they would run into the y labels or off the picture."""
    return [
        replace(t, anchor="start")
        if t.position <= frame.left
        else replace(t, anchor="end")
        if t.position >= frame.right
        else t
        for t in ticks
    ]


def _tooltip(series: Series, x_label: str, value: float | None, unit: str) -> str:
    return f"{series.label}, {x_label}: {format_value(value, unit)}"


def _line_path(points: list[tuple[float, float] | None]) -> str:
    """A path that lifts the pen at every None, so gaps stay gaps."""
    parts: list[str] = []
    pen_down = False
    for point in points:
        if point is None:
            pen_down = False
            continue
        parts.append(f"{'L' if pen_down else 'M'}{point[0]:g},{point[1]:g}")
        pen_down = True
    return " ".join(parts)


def _area_path(points: list[tuple[float, float] | None], baseline: float) -> str:
    """One closed shape per run of values, down to the baseline."""
    runs: list[list[tuple[float, float]]] = [[]]
    for point in points:
        if point is None:
            runs.append([])
        else:
            runs[-1].append(point)
    shapes = []
    for run in filter(None, runs):
        line = " ".join(f"L{x:g},{y:g}" for x, y in run)
        shapes.append(
            f"M{run[0][0]:g},{baseline:g} {line} L{run[-1][0]:g},{baseline:g} Z"
        )
    return " ".join(shapes)


def _check(x_labels: list[str], series: list[Series]) -> None:
    for s in series:
        if len(s.values) != len(x_labels):
            raise ValueError(
                f"Series {s.label!r} has {len(s.values)} values for "
                f"{len(x_labels)} x labels."
            )


def _description(title: str, x_labels: list[str], series: list[Series]) -> str:
    if not x_labels:
        return f"{title}: no data."
    names = ", ".join(s.label for s in series)
    return f"{title}: {names}, from {x_labels[0]} to {x_labels[-1]}."


def line_chart(
    *,
    x_labels: list[str],
    series: list[Series],
    title: str,
    unit: str = "",
    width: int = 640,
    height: int = 240,
) -> Chart:
    _check(x_labels, series)
    frame, y_ticks = _frame(series, width, height)
    count = len(x_labels)
    step = (frame.right - frame.left) / max(count - 1, 1)
    centres = [round(frame.left + i * step, 2) for i in range(count)]
    if count == 1:
        centres = [round((frame.left + frame.right) / 2, 2)]
    baseline = frame.y(max(frame.low, 0))
    plotted = []
    for number, s in enumerate(series, start=1):
        xy = [
            None if v is None else (centres[i], frame.y(v))
            for i, v in enumerate(s.values)
        ]
        points = [
            Point(p[0], p[1], _tooltip(s, x_labels[i], s.values[i], unit))
            for i, p in enumerate(xy)
            if p is not None
        ]
        plotted.append(
            PlottedSeries(
                label=s.label,
                number=number,
                path=_line_path(xy),
                area=_area_path(xy, baseline) if number == 1 else "",
                points=points,
            )
        )
    return _chart(
        "line",
        title,
        unit,
        width,
        height,
        x_labels,
        series,
        plotted,
        _edge_anchored(_x_ticks(x_labels, centres), frame),
        y_ticks,
        baseline,
        frame,
    )


def bar_chart(
    *,
    x_labels: list[str],
    series: list[Series],
    title: str,
    unit: str = "",
    width: int = 640,
    height: int = 240,
) -> Chart:
    """Grouped bars: one slot per x label, one bar per series inside it."""
    _check(x_labels, series)
    frame, y_ticks = _frame(series, width, height)
    count = max(len(x_labels), 1)
    slot = (frame.right - frame.left) / count
    group = slot * 0.72
    bar_width = group / max(len(series), 1)
    centres = [round(frame.left + slot * (i + 0.5), 2) for i in range(len(x_labels))]
    baseline = frame.y(max(frame.low, 0))
    plotted = []
    for number, s in enumerate(series):
        bars = []
        for i, value in enumerate(s.values):
            if value is None:
                continue
            top = frame.y(value)
            bars.append(
                Bar(
                    x=round(centres[i] - group / 2 + number * bar_width, 2),
                    y=min(top, baseline),
                    width=round(max(bar_width - 1, 1), 2),
                    height=round(abs(baseline - top), 2),
                    tooltip=_tooltip(s, x_labels[i], value, unit),
                )
            )
        plotted.append(PlottedSeries(label=s.label, number=number + 1, bars=bars))
    return _chart(
        "bars",
        title,
        unit,
        width,
        height,
        x_labels,
        series,
        plotted,
        _x_ticks(x_labels, centres),
        y_ticks,
        baseline,
        frame,
    )


def sparkline(
    *, values: list[float | None], title: str, width: int = 120, height: int = 32
) -> Chart:
    """A small line without axes; the last value gets a dot."""
    series = [Series(label=title, values=list(values))]
    present = [v for v in values if v is not None]
    low, high = (min(present), max(present)) if present else (0.0, 1.0)
    if high == low:
        low, high = low - 1, high + 1
    frame = _Frame(
        left=2, right=width - 2, top=3, bottom=height - 3, low=low, high=high
    )
    step = (frame.right - frame.left) / max(len(values) - 1, 1)
    labels = [str(i + 1) for i in range(len(values))]
    xy = [
        None if v is None else (round(frame.left + i * step, 2), frame.y(v))
        for i, v in enumerate(values)
    ]
    last = next((p for p in reversed(xy) if p is not None), None)
    points = [Point(last[0], last[1], format_value(present[-1]))] if last else []
    plotted = [PlottedSeries(label=title, number=1, path=_line_path(xy), points=points)]
    chart = _chart(
        "sparkline",
        title,
        "",
        width,
        height,
        labels,
        series,
        plotted,
        [],
        [],
        frame.bottom,
        frame,
    )
    latest = format_value(present[-1]) if present else "—"
    return replace(chart, description=f"{title}: latest {latest}.")


def _chart(kind, title, unit, width, height, x_labels, series, plotted, x_ticks,
           y_ticks, baseline, frame) -> Chart:  # fmt: skip
    return Chart(
        kind=kind,
        title=title,
        description=_description(title, x_labels, series),
        unit=unit,
        width=width,
        height=height,
        x_labels=list(x_labels),
        series=list(series),
        plotted=plotted,
        x_ticks=x_ticks,
        y_ticks=y_ticks,
        baseline=baseline,
        plot_left=frame.left,
        plot_right=frame.right,
        plot_top=frame.top,
        plot_bottom=frame.bottom,
    )
