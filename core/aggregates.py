"""PostgreSQL aggregates the ORM does not ship."""

from __future__ import annotations

from django.db.models import Aggregate, FloatField


class MedianSeconds(Aggregate):
    """``percentile_cont(0.5)`` over an interval, in seconds (a float; None
    over no rows)."""

    function = "percentile_cont"
    template = (
        "%(function)s(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM %(expressions)s))"
    )
    output_field = FloatField()
