"""core.counters: what is recorded reaches ``apply`` exactly once, whatever
fails, runs twice or arrives during a flush; a once-set counts a member once."""

from __future__ import annotations

import datetime as dt

import pytest

from core import counters
from core.counters import CounterBuffer

DAY = dt.date(2026, 3, 29)


@pytest.fixture
def buffer() -> CounterBuffer:
    return CounterBuffer("test-buffer")


class Sink:
    """An ``apply`` that remembers what it was given (no database needed)."""

    def __init__(self) -> None:
        self.applied: list[tuple[dt.date, str, dict[str, int]]] = []

    def __call__(self, *, day: dt.date, group: str, counts: dict[str, int]) -> None:
        self.applied.append((day, group, counts))


pytestmark = pytest.mark.django_db(transaction=False)


def test_counts_add_up_per_day_and_group(buffer):
    buffer.record(day=DAY, group="a", counts={"x": 1, "y": 2})
    buffer.record(day=DAY, group="a", counts={"x": 3})
    buffer.record(day=DAY + dt.timedelta(days=1), group="b", counts={"x": 1})
    sink = Sink()

    assert buffer.flush(apply=sink) == 3

    assert sorted(sink.applied) == [
        (DAY, "a", {"x": 4, "y": 2}),
        (DAY + dt.timedelta(days=1), "b", {"x": 1}),
    ]
    assert buffer.flush(apply=sink) == 0  # nothing twice
    assert len(sink.applied) == 2


def test_a_once_set_counts_each_member_once(buffer):
    once = {"once_key": f"{buffer.prefix}:seen", "once_ttl_seconds": 60}
    assert buffer.record(day=DAY, group="a", counts={"x": 1}, once_member="m1", **once)
    assert not buffer.record(
        day=DAY, group="a", counts={"x": 1}, once_member="m1", **once
    )
    assert buffer.record(day=DAY, group="a", counts={"x": 1}, once_member="m2", **once)
    sink = Sink()
    buffer.flush(apply=sink)
    assert sink.applied == [(DAY, "a", {"x": 2})]
    assert 0 < counters._redis().ttl(once["once_key"]) <= 60


def test_a_failed_apply_keeps_the_counts_for_the_next_flush(buffer):
    buffer.record(day=DAY, group="a", counts={"x": 1})

    def fail(**kwargs):  # noqa: ANN003
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        buffer.flush(apply=fail)
    # Newer counts wait in a fresh hash while the claimed one goes first.
    buffer.record(day=DAY, group="a", counts={"x": 5})
    sink = Sink()
    buffer.flush(apply=sink)
    assert sink.applied == [(DAY, "a", {"x": 1})]
    buffer.flush(apply=sink)
    assert sink.applied[1:] == [(DAY, "a", {"x": 5})]
    # The lock was released after the failure.
    assert not counters._redis().exists(buffer.lock_key)


def test_a_running_flush_holds_off_a_second_one(buffer):
    buffer.record(day=DAY, group="a", counts={"x": 1})
    counters._redis().set(buffer.lock_key, "other", ex=60)
    sink = Sink()

    assert buffer.flush(apply=sink) == 0
    assert sink.applied == []


def test_records_arriving_during_a_flush_wait_for_the_next(buffer):
    buffer.record(day=DAY, group="a", counts={"x": 1})
    sink = Sink()

    def record_then_apply(**kwargs):  # noqa: ANN003
        buffer.record(day=DAY, group="a", counts={"x": 10})
        sink(**kwargs)

    buffer.flush(apply=record_then_apply)
    buffer.flush(apply=sink)
    assert [c for _, _, c in sink.applied] == [{"x": 1}, {"x": 10}]


def test_buffers_with_other_names_are_apart(buffer):
    other = CounterBuffer("other-buffer")
    buffer.record(day=DAY, group="a", counts={"x": 1})
    sink = Sink()
    assert other.flush(apply=sink) == 0
    assert buffer.flush(apply=sink) == 1


def test_a_group_with_a_colon_is_refused(buffer):
    with pytest.raises(ValueError):
        buffer.record(day=DAY, group="a:b", counts={"x": 1})


def test_redis_down_records_nothing_and_does_not_raise(buffer, monkeypatch):
    class Down:
        def register_script(self, script):  # noqa: ANN001, ANN201
            def run(**kwargs):  # noqa: ANN003
                raise ConnectionError("refused")

            return run

    tripped = []
    monkeypatch.setattr(counters, "_redis", Down)
    monkeypatch.setattr(counters, "cache_trip", lambda: tripped.append(True))

    assert buffer.record(day=DAY, group="a", counts={"x": 1}) is False
    assert tripped == [True]
