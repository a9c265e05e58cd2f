"""core/charts.py: geometry (ticks, scales, gaps) and the rendered SVG."""

from __future__ import annotations

import re

import pytest

from core.charts import (
    Series,
    bar_chart,
    format_value,
    line_chart,
    nice_ticks,
    sparkline,
)


def test_nice_ticks_are_round_and_cover_the_range():
    assert nice_ticks(0, 97) == [0, 20, 40, 60, 80, 100]
    assert nice_ticks(0, 3) == [0, 1, 2, 3]
    assert nice_ticks(0, 0.37) == [0, 0.1, 0.2, 0.3, 0.4]
    assert nice_ticks(0, 1234) == [0, 500, 1000, 1500]


def test_nice_ticks_flat_and_reversed_ranges_still_get_an_axis():
    assert nice_ticks(0, 0)[0] == 0 and nice_ticks(0, 0)[-1] >= 1
    assert nice_ticks(5, 5)[0] == 0 and nice_ticks(5, 5)[-1] >= 6
    assert nice_ticks(10, 0) == nice_ticks(0, 10)


def test_line_scales_values_into_the_plot():
    chart = line_chart(
        x_labels=["a", "b", "c"], series=[Series("Views", [0, 50, 100])], title="T"
    )
    ys = [p.y for p in chart.plotted[0].points]
    xs = [p.x for p in chart.plotted[0].points]
    # 0 sits on the baseline (bottom), 100 at the top of the plot.
    assert ys[0] == chart.plot_bottom == chart.baseline
    assert ys[2] == chart.plot_top
    assert ys[1] == pytest.approx((chart.plot_top + chart.plot_bottom) / 2)
    assert xs == [
        chart.plot_left,
        (chart.plot_left + chart.plot_right) / 2,
        chart.plot_right,
    ]
    assert [t.label for t in chart.y_ticks] == ["0", "20", "40", "60", "80", "100"]


def test_none_values_leave_a_gap_in_the_line_and_no_point():
    chart = line_chart(
        x_labels=["1", "2", "3", "4"],
        series=[Series("Views", [1, None, 3, 4])],
        title="T",
    )
    path = chart.plotted[0].path
    assert path.count("M") == 2  # the pen lifts at the gap
    assert len(chart.plotted[0].points) == 3
    assert chart.table_rows[1] == ("2", ["—"])


def test_empty_data_renders_an_axis_and_a_message():
    chart = line_chart(
        x_labels=["1", "2"], series=[Series("V", [None, None])], title="T"
    )
    assert chart.empty
    html = chart.render()
    assert "No figures for this period yet" in html
    assert chart.plotted[0].path == ""
    no_days = bar_chart(x_labels=[], series=[Series("V", [])], title="Nothing")
    assert no_days.empty and "<svg" in no_days.render()


def test_mismatched_lengths_are_a_programming_error():
    with pytest.raises(ValueError, match="has 1 values for 2 x labels"):
        line_chart(x_labels=["a", "b"], series=[Series("V", [1])], title="T")


def test_bars_stand_on_the_baseline_and_group_per_label():
    chart = bar_chart(
        x_labels=["Mon", "Tue"],
        series=[Series("Confirmed", [2, 4]), Series("Completed", [1, 0])],
        title="Bookings",
    )
    first, second = chart.plotted
    assert [b.y + b.height for b in first.bars] == [chart.baseline] * 2
    assert first.bars[1].height == pytest.approx(2 * first.bars[0].height)
    assert second.bars[1].height == 0
    # The second series sits right of the first in the same slot.
    assert second.bars[0].x > first.bars[0].x
    assert second.bars[0].x < first.bars[1].x
    assert chart.table_rows == [("Mon", ["2", "1"]), ("Tue", ["4", "0"])]


def test_long_series_show_fewer_x_labels_and_mark_minor_ones():
    labels = [f"d{i}" for i in range(90)]
    chart = line_chart(
        x_labels=labels, series=[Series("V", list(range(90)))], title="T"
    )
    assert len(chart.x_ticks) <= 9
    assert chart.x_ticks[-1].label == "d89"
    assert any(t.minor for t in chart.x_ticks)
    assert not chart.x_ticks[-1].minor


def test_labels_and_titles_are_escaped():
    chart = line_chart(
        x_labels=["<b>1</b>"],
        series=[Series('<script>alert("x")</script>', [1])],
        title="Views & <clicks>",
    )
    html = chart.render()
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html
    assert "Views &amp; &lt;clicks&gt;" in html


def test_render_is_an_accessible_svg_with_a_tooltip_per_point():
    chart = line_chart(
        x_labels=["1 Nov", "2 Nov"],
        series=[Series("Views", [3, 5])],
        title="Views per day",
        unit="views",
    )
    html = chart.render()
    assert html.startswith("<") and '<svg class="chart chart--line"' in html
    assert 'role="img"' in html and 'viewBox="0 0 640 240"' in html
    assert f'id="{chart.dom_id}-title">Views per day</title>' in html
    assert "<title>Views, 2 Nov: 5 views</title>" in html
    assert "style=" not in html  # the CSP forbids inline styles
    assert len(re.findall(r"<circle", html)) == 2


def test_sparkline_marks_the_latest_value():
    chart = sparkline(values=[1, 4, None, 2], title="Views")
    assert chart.plotted[0].path.count("M") == 2
    assert chart.plotted[0].points[0].tooltip == "2"
    assert "latest 2" in chart.description
    html = chart.render()
    assert 'class="chart chart--sparkline"' in html
    flat = sparkline(values=[3, 3], title="Flat")
    assert flat.plotted[0].points[0].y == pytest.approx(flat.height / 2)
    assert sparkline(values=[], title="None").plotted[0].points == []


def test_format_value_units():
    assert format_value(1234) == "1,234"
    assert format_value(12.5, "%") == "12.5%"
    assert format_value(3, "min") == "3 min"
    assert format_value(None) == "—"


def test_two_charts_get_distinct_ids():
    a = line_chart(x_labels=["1"], series=[Series("V", [1])], title="A")
    b = line_chart(x_labels=["1"], series=[Series("V", [1])], title="B")
    assert a.dom_id != b.dom_id


def test_counts_get_whole_number_ticks_and_line_ends_stay_inside():
    chart = bar_chart(
        x_labels=["a", "b"], series=[Series("Bookings", [0, 1])], title="T"
    )
    assert [t.label for t in chart.y_ticks] == ["0", "1"]
    rates = line_chart(
        x_labels=["a", "b", "c"], series=[Series("R", [0, 0.5, 1])], title="T"
    )
    assert [t.label for t in rates.y_ticks][:2] == ["0.0", "0.2"]
    assert [t.anchor for t in rates.x_ticks] == ["start", "middle", "end"]
    assert 'text-anchor="start">a<' in rates.render()
