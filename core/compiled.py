"""Querysets compiled to SQL once per process, run again for other ids.

Django compiles a queryset every time it runs it. For a listing's rows (a dozen
correlated subqueries: the rating, the "from" price, the photo badge, services,
languages) building and compiling the queryset cost about six times what
PostgreSQL takes to answer it (docs/page-speed.md, "Compiled once"). These
build the queryset once, filtered by ``pk = ANY(<ids>)``, keep its SQL and
parameters, and run that SQL again with only the ids replaced; the SQL text is
the same on every call, so PostgreSQL's prepared statement (docs/operations.md)
is reused too.

- ``RowsById``: the rows of a ``values()`` queryset, as dicts.
- ``InstancesById``: the model objects of a queryset, made as Django's
  ``ModelIterable`` makes them (deferred fields, ``select_related`` objects,
  annotations, from the compiler's own description of its columns), then
  prefetched.

Written by hand: the one library that caches compiled querysets
(django-prepared-queries) supports Django < 2.2 only. ``InstancesById`` reads
the compiler's ``select``/``klass_info`` and Django's ``get_related_populators``
as ``ModelIterable`` does; tests compare its objects with the queryset's own.

Only the ids may vary. A queryset whose SQL would depend on anything else (the
clock, the user, content read while building it, such as the private sections'
paths of ``PublicPageQuerySet``) must not be compiled here: build it from plain
column values and leave "which rows may be shown" to the query that chose the
ids. Compiling refuses date and time parameters, the usual way a clock enters a
query; tests compare the rows with the queryset's own.
"""

from __future__ import annotations

import datetime as dt
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connections, router
from django.db.models import F, Lookup, Model, QuerySet, prefetch_related_objects
from django.db.models.query import ModelIterable, get_related_populators


class _Ids(list):
    """The placeholder the ids replace: found among the compiled parameters by
    identity, so no other parameter can be mistaken for it."""


class _AnyOf(Lookup):
    """``lhs = ANY(%s::<type>[])``: one parameter whatever the number of ids
    (``__in`` writes one placeholder per id, so its SQL would change with it)."""

    lookup_name = "any_of"
    prepare_rhs = False
    array_type = "integer"

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s::{self.array_type}[])", [*lhs_params, self.rhs]


@dataclass(frozen=True)
class _Statement:
    """A compiled queryset: its SQL, its parameters (the ids at ``ids_at``),
    and the converters Django applies to its columns."""

    sql: str
    params: tuple[Any, ...]
    ids_at: int
    converters: tuple[tuple[int, tuple[Callable, ...], Any], ...]

    def run(self, alias: str, ids: Sequence[int]) -> list[list[Any]]:
        params = list(self.params)
        params[self.ids_at] = [int(pk) for pk in ids]
        connection = connections[alias]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            found = cursor.fetchall()
        rows = []
        for row in found:
            row = list(row)
            for index, functions, expression in self.converters:
                for function in functions:
                    row[index] = function(row[index], expression, connection)
            rows.append(row)
        return rows


class _ById(ABC):
    """What ``RowsById`` and ``InstancesById`` share: the queryset built once,
    compiled once per database alias, run for the ids asked."""

    def __init__(self, build: Callable[[], QuerySet]) -> None:
        self._build = build
        self._plans: dict[str, Any] = {}
        self._model: type[Model] | None = None
        self._lock = threading.Lock()

    def _run(self, ids: Sequence[int]) -> tuple[Any, str, list[list[Any]]]:
        if self._model is None:
            self._model = self._build().model
        alias = router.db_for_read(self._model)
        plan = self._plans.get(alias) or self._plan_for(alias)
        return plan, alias, plan.statement.run(alias, ids)

    def _plan_for(self, alias: str) -> Any:
        with self._lock:
            if alias not in self._plans:
                self._plans[alias] = self._compile(self._build(), alias)
            return self._plans[alias]

    @abstractmethod
    def _compile(self, queryset: QuerySet, alias: str) -> Any:
        """The plan: the statement and how to read its rows."""


@dataclass(frozen=True)
class _RowsPlan:
    statement: _Statement
    names: tuple[str, ...]


class RowsById(_ById):
    """``rows(ids)``: the rows of ``build()`` (a ``values()`` queryset) whose
    primary key is among ``ids``, as dicts keyed by the values' names, in the
    order of ``ids`` (ids without a row are left out)."""

    def rows(self, ids: Sequence[int]) -> list[dict[str, Any]]:
        if not ids:
            return []
        plan, _, found = self._run(ids)
        by_pk = {row[0]: dict(zip(plan.names, row, strict=True)) for row in found}
        return [by_pk[pk] for pk in ids if pk in by_pk]

    def _compile(self, queryset: QuerySet, alias: str) -> _RowsPlan:
        # As ValuesIterable names a row's columns.
        names = tuple(queryset.query.selected or ())
        if not names or names[0] not in ("pk", "id") or queryset.query.extra_select:
            raise ValueError("RowsById needs values() whose first is the pk.")
        statement, _ = _statement(queryset, alias)
        return _RowsPlan(statement=statement, names=names)


@dataclass(frozen=True)
class _InstancesPlan:
    statement: _Statement
    model: type[Model]
    init_list: tuple[str, ...]
    model_columns: slice
    populators: tuple[Any, ...]
    annotations: tuple[tuple[str, int], ...]


class InstancesById(_ById):
    """``instances(ids)``: the model objects of ``build()`` whose primary key
    is among ``ids``, in the order of ``ids``, made as Django's ModelIterable
    makes them (deferred fields, ``select_related`` objects, annotations);
    then ``prefetch()``'s lookups, built for each call (a ``Prefetch`` holds a
    queryset). ``build()`` itself may not prefetch."""

    def __init__(
        self,
        build: Callable[[], QuerySet],
        *,
        prefetch: Callable[[], list[Any]] = list,
    ) -> None:
        super().__init__(build)
        self._prefetch = prefetch

    def instances(self, ids: Sequence[int]) -> list[Model]:
        if not ids:
            return []
        plan, alias, found = self._run(ids)
        by_pk = {}
        for row in found:
            obj = plan.model.from_db(alias, plan.init_list, row[plan.model_columns])
            for populator in plan.populators:
                populator.populate(row, obj)
            for name, position in plan.annotations:
                setattr(obj, name, row[position])
            by_pk[obj.pk] = obj
        objects = [by_pk[pk] for pk in ids if pk in by_pk]
        if lookups := self._prefetch():
            prefetch_related_objects(objects, *lookups)
        return objects

    def _compile(self, queryset: QuerySet, alias: str) -> _InstancesPlan:
        if queryset._prefetch_related_lookups or queryset._iterable_class is not (
            ModelIterable
        ):
            raise ValueError("InstancesById builds model objects, prefetching apart.")
        statement, compiler = _statement(queryset, alias)
        # As ModelIterable reads the compiler's select (django.db.models.query).
        select, klass_info = compiler.select, compiler.klass_info
        fields = klass_info["select_fields"]
        columns = slice(fields[0], fields[-1] + 1)
        return _InstancesPlan(
            statement=statement,
            model=klass_info["model"],
            init_list=tuple(f[0].target.attname for f in select[columns]),
            model_columns=columns,
            populators=tuple(get_related_populators(klass_info, select, alias)),
            annotations=tuple((compiler.annotation_col_map or {}).items()),
        )


def _integer_type(model: type[Model], alias: str) -> str:
    """The SQL type of the model's integer primary key (a parent link reads its
    parent's): the ids go to PostgreSQL as one array of it."""
    pk = model._meta.pk
    pk = getattr(pk, "target_field", pk)
    if not pk.get_internal_type().endswith(("AutoField", "IntegerField")):
        raise ValueError(f"Compiled querysets need integer keys, not {pk!r}.")
    return pk.cast_db_type(connections[alias])


def _statement(queryset: QuerySet, alias: str) -> tuple[_Statement, Any]:
    placeholder = _Ids([0])
    ids = _AnyOf(F("pk"), placeholder)
    ids.array_type = _integer_type(queryset.model, alias)
    query = queryset.filter(ids).query
    compiler = query.get_compiler(using=alias)
    sql, params = compiler.as_sql()
    at = [i for i, param in enumerate(params) if param is placeholder]
    clocks = [param for param in params if isinstance(param, dt.date | dt.time)]
    if len(at) != 1 or clocks:
        raise ValueError(
            "A compiled queryset's only varying parameter is the ids; this one "
            f"has {clocks or at}."
        )
    selected = [column for column, _, _ in compiler.select[: compiler.col_count]]
    converters = compiler.get_converters(selected)
    statement = _Statement(
        sql=sql,
        params=tuple(params),
        ids_at=at[0],
        converters=tuple(
            (index, tuple(functions), expression)
            for index, (functions, expression) in converters.items()
        ),
    )
    return statement, compiler
