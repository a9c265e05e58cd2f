"""A queryset compiled to SQL once per process, run again for other ids.

Django compiles a queryset every time it runs it. For a listing's rows (a dozen
correlated subqueries: the rating, the "from" price, the photo badge, services,
languages, the thumbnail) building and compiling the queryset cost about six
times what PostgreSQL takes to answer it (docs/page-speed.md, "Rows compiled
once"). ``RowsById`` builds the queryset once, filtered by ``pk = ANY(<ids>)``,
keeps its SQL and parameters, and runs that SQL again with only the ids
replaced: the SQL text is the same on every call, so PostgreSQL's prepared
statement (docs/operations.md) is reused too.

Written by hand: the one library that caches compiled querysets
(django-prepared-queries) supports Django < 2.2 only.

Only the ids may vary. A queryset whose SQL would depend on anything else (the
clock, the user, content read while building it, such as the private sections'
paths of ``PublicPageQuerySet``) must not be compiled here: build it from plain
column values and leave "which rows may be shown" to the query that chose the
ids. Compiling refuses date and time parameters, the usual way a clock enters a
query; tests compare the rows with the queryset's own ``values()``.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connections, router
from django.db.models import F, Lookup, Model, QuerySet


class _Ids(list):
    """The placeholder the ids replace: found among the compiled parameters by
    identity, so no other parameter can be mistaken for it."""


class _AnyOf(Lookup):
    """``lhs = ANY(%s::integer[])``: one parameter whatever the number of ids
    (``__in`` writes one placeholder per id, so its SQL would change with it)."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s::integer[])", [*lhs_params, self.rhs]


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple[Any, ...]
    ids_at: int
    names: tuple[str, ...]
    converters: tuple[tuple[int, tuple[Callable, ...], Any], ...]


class RowsById:
    """``rows(ids)``: the rows of ``build()`` (a ``values()`` queryset) whose
    primary key is among ``ids``, as dicts keyed by the values' names, in the
    order of ``ids`` (ids without a row are left out)."""

    def __init__(self, build: Callable[[], QuerySet]) -> None:
        self._build = build
        self._compiled: dict[str, _Compiled] = {}
        self._model: type[Model] | None = None
        self._lock = threading.Lock()

    def rows(self, ids: Sequence[int]) -> list[dict[str, Any]]:
        if not ids:
            return []
        if self._model is None:
            self._model = self._build().model
        alias = router.db_for_read(self._model)
        compiled = self._compiled.get(alias) or self._compile(alias)
        params = list(compiled.params)
        params[compiled.ids_at] = [int(pk) for pk in ids]
        connection = connections[alias]
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            found = cursor.fetchall()
        by_pk = {}
        for row in found:
            row = list(row)
            for index, functions, expression in compiled.converters:
                for function in functions:
                    row[index] = function(row[index], expression, connection)
            by_pk[row[0]] = dict(zip(compiled.names, row, strict=True))
        return [by_pk[pk] for pk in ids if pk in by_pk]

    def _compile(self, alias: str) -> _Compiled:
        with self._lock:
            if alias not in self._compiled:
                self._compiled[alias] = _compiled(self._build(), alias)
            return self._compiled[alias]


def _compiled(queryset: QuerySet, alias: str) -> _Compiled:
    placeholder = _Ids([0])
    query = queryset.filter(_AnyOf(F("pk"), placeholder)).query
    # As ValuesIterable names a row's columns.
    names = tuple(query.selected or ())
    if not names or names[0] not in ("pk", "id") or query.extra_select:
        raise ValueError("RowsById needs values() whose first is the pk.")
    compiler = query.get_compiler(using=alias)
    sql, params = compiler.as_sql()
    at = [i for i, param in enumerate(params) if param is placeholder]
    clocks = [param for param in params if isinstance(param, dt.date | dt.time)]
    if len(at) != 1 or clocks:
        raise ValueError(
            "RowsById compiles querysets whose only varying parameter is the "
            f"ids; this one has {clocks or at}."
        )
    selected = [column for column, _, _ in compiler.select[: compiler.col_count]]
    converters = compiler.get_converters(selected)
    return _Compiled(
        sql=sql,
        params=tuple(params),
        ids_at=at[0],
        names=names,
        converters=tuple(
            (index, tuple(functions), expression)
            for index, (functions, expression) in converters.items()
        ),
    )
