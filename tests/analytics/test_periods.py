"""analytics/periods.py: the one reader of periods from outside."""

from __future__ import annotations

import datetime as dt

import pytest

from analytics.periods import Period, PeriodInvalid, period_parse

TODAY = dt.date(2026, 11, 30)


def parse(**kwargs):  # noqa: ANN003, ANN201
    return period_parse(today=TODAY, **kwargs)


def test_days_end_today():
    assert parse(days="7") == Period(start=dt.date(2026, 11, 24), end=TODAY)
    assert parse(days=90).days == 90
    assert parse().days == 30  # the default
    assert parse(days="", start="", end="").days == 30  # an empty form


@pytest.mark.parametrize("days", ["14", "0", "-7", "seven", "1e3", "365"])
def test_days_outside_the_choices_are_refused(days):
    with pytest.raises(PeriodInvalid) as caught:
        parse(days=days)
    assert caught.value.message == "Choose a period of 7, 30 or 90 days."
    assert caught.value.fields == {"days": [caught.value.message]}
    assert caught.value.status_code == 400


def test_other_choices_for_other_callers():
    assert parse(days="14", allowed_days=(14, 28)).days == 14


def test_dates():
    period = parse(start="2026-01-01", end="2026-01-31")
    assert (period.start, period.end, period.days) == (
        dt.date(2026, 1, 1),
        dt.date(2026, 1, 31),
        31,
    )
    assert parse(start="2026-11-01").end == TODAY  # end defaults to today


def test_previous_period_has_the_same_length_just_before():
    period = parse(start="2026-01-11", end="2026-01-20")
    assert period.previous == Period(
        start=dt.date(2026, 1, 1), end=dt.date(2026, 1, 10)
    )


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        (
            {"start": "2026-02-01", "end": "2026-01-01"},
            "end",
            "The end date is before the start date.",
        ),
        (
            {"start": "2023-01-01", "end": "2026-01-01"},
            "start",
            "A period can cover at most 731 days.",
        ),
        (
            {"start": "2026-13-01"},
            "start",
            "Start must be a date written as YYYY-MM-DD.",
        ),
        (
            {"start": "2026-01-01", "end": "soon"},
            "end",
            "End must be a date written as YYYY-MM-DD.",
        ),
        ({"end": "2026-01-01"}, "start", "Give a start date for the period."),
        (
            {"start": "2026-11-01", "end": "2026-12-31"},
            "end",
            "The period cannot end after today.",
        ),
        (
            {"days": "7", "start": "2026-11-01"},
            "days",
            "Give either a number of days or dates, not both.",
        ),
    ],
)
def test_bad_dates_are_refused_with_a_clear_message(kwargs, field, message):
    with pytest.raises(PeriodInvalid) as caught:
        parse(**kwargs)
    assert caught.value.message == message
    assert caught.value.fields == {field: [message]}


def test_two_years_is_the_limit():
    assert parse(start="2024-11-30", end="2026-11-29").days == 730
    assert parse(start="2024-11-30", end="2026-11-30").days == 731
    with pytest.raises(PeriodInvalid):
        parse(start="2024-11-29", end="2026-11-30")
    assert parse(start="2020-01-01", end="2026-01-01", max_span=dt.timedelta(days=9999))
