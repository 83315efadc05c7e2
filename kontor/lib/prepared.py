"""Queries whose SQL is worked out once per process instead of on every request.

Django builds a query's SQL anew each time it runs: for a plain lookup such as a record's phone
numbers that takes about 0.3 ms of Python, ten times what SQLite needs to answer it. A person's
page asks 19 such questions, and every page asks two (the session and the user), so building
SQL was a quarter of a page's time.

`@prepared` turns a function that builds a queryset into one that runs it, compiling the SQL on
the first call and reusing it for every further call with other argument values:

    @prepared
    def phone_numbers(record_id: int) -> QuerySet[ContactDetail]:
        return ContactDetail.objects.filter(record_id=record_id, kind="phone").order_by("position")

    phone_numbers(42)   # a list of ContactDetail, as list(queryset) would give

It finds where the arguments go by building the query once with stand-in values (an int, a
text, a date, a datetime, a list of them of the same length and type) and looking for them among the query's
parameters. Anything else in the query must not vary: the builder may close over classes,
functions and plain constants (a factory making one function per model or column), not over
anything that can change, such as a list or a model instance; arguments of other types are
refused, except True, False and None, which choose between separately compiled queries (the
builder may branch on those, never on the other arguments' values, which it sees as stand-ins). A
stand-in the query changes on its way to SQL (a LIKE pattern made from a text, say) is found
missing and refused when the function is first called, so a builder that cannot be prepared
fails in its first test rather than silently; so is a parameter that looks worked out from a
stand-in (an id plus one, the month after a date). An int beyond the database's 64 bits, and a
query Django finds empty without asking the database (no ids in a list), are left to Django, as if
the function were not prepared.

The active time zone and language are part of the shape too: Django writes the time zone's name
into the parameters of a `__date` or truncating lookup, and a builder may use a translated text.

Rows come back as the queryset would give them: model instances (with select_related and
annotations), tuples from values_list, single values from values_list(flat=True) or dicts from
values(), with the same conversions from database values. What is not supported (prefetching,
named tuples, known related objects) is refused on the first call. The queries go through the
connection's cursor, so query counts, execute wrappers and transactions see them as before.
"""

from __future__ import annotations

import datetime as dt
import functools
import threading
import types
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, ParamSpec, TypeVar, cast

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet
from django.db.models.query import (  # type: ignore[attr-defined]  # get_related_populators: not in the stubs
    FlatValuesListIterable,
    ModelIterable,
    ValuesIterable,
    ValuesListIterable,
    get_related_populators,
)
from django.utils import timezone
from django.utils.translation import get_language

P = ParamSpec("P")
Row = TypeVar("Row")

_ALIAS = "default"
# Compiled queries kept per function: a list argument compiles one per length (a page of 25, of
# 50, the last page's few), so a function asked with ever new lengths starts afresh beyond this.
MAX_PLANS = 300
# Stand-ins no real argument or constant of a Kontor query takes.
# Ints: within 32 bits, so that PostgreSQL does not find a stand-in out of range of an integer
# column (Django answers such a lookup with an empty result without asking). Texts: with the
# characters a LIKE escapes and the spaces and capitals a strip() or lower() would change, so that
# a text changed on its way to SQL is never found unchanged.
_INT_BASE = 2_100_000_000
_TEXT_MARK = "\x00KonTor-Prepared-"


# What a builder may close over: what cannot change after the function is made (a model class, a
# column's name chosen by a factory); not a list, a queryset or a model instance.
_FIXED = (type, types.FunctionType, types.ModuleType, str, int, float, bool, type(None))


class NotPreparable(TypeError):
    """The builder's query cannot be compiled once for all argument values."""


@dataclass(frozen=True)
class _Slot:
    argument: int
    item: int | None = None  # the position in a list argument
    written: str = ""  # "datetime" or "date": written as the database's backend writes one


@dataclass
class _Plan:
    sql: str
    params: tuple[Any, ...]  # constants and _Slots
    db: str = "default"
    fallback: bool = False  # the query is built and run by Django for every call
    shape: str = "models"  # models, tuples, flat, dicts
    col_count: int = 0
    trim: bool = False
    converters: list[tuple[int, list[Callable], Any]] = field(default_factory=list)
    model: Any = None
    model_columns: tuple[int, int] = (0, 0)
    init_list: list[str] = field(default_factory=list)
    related_populators: list[Any] = field(default_factory=list)
    annotation_columns: dict[str, int] = field(default_factory=dict)
    names: list[str] = field(default_factory=list)


def prepared(builder: Callable[P, QuerySet[Any, Row]]) -> Callable[P, list[Row]]:
    """The builder run as a query whose SQL is compiled once per argument shape (see the module)."""
    for cell in getattr(builder, "__closure__", None) or ():
        if not isinstance(cell.cell_contents, _FIXED):
            raise NotPreparable(f"{builder.__qualname__} closes over a value that can change; pass it as an argument")
    plans: dict[tuple, _Plan] = {}
    lock = threading.Lock()

    @functools.wraps(builder)
    def run(*args: P.args, **kwargs: P.kwargs) -> list[Row]:
        if kwargs:
            raise NotPreparable(f"{builder.__qualname__}: pass its arguments by position")
        shape = (*map(_shape_of, args), timezone.get_current_timezone_name(), get_language())
        if _TOO_BIG in shape:
            return list(builder(*args, **kwargs))  # as Django answers it (kwargs: none, refused above)
        plan = plans.get(shape)
        if plan is None:
            with lock:
                if len(plans) >= MAX_PLANS:
                    plans.clear()  # a builder asked with ever new list lengths: start afresh
                plan = plans.get(shape) or _plan(builder, args)
                plans[shape] = plan
        if plan.fallback:
            return list(builder(*args, **kwargs))
        return _run(plan, args)

    return run


_LOWEST, _HIGHEST = -2**63, 2**63 - 1
# The shape of an int beyond the databases' 64 bits (an id typed into an address, say).
_TOO_BIG = "too big"


# The types an argument (or a list argument's items, all of one type) may have, and how each is
# stood in for: a datetime and a date reach the parameters as the backend writes them.
_SCALARS = (int, str, dt.datetime, dt.date)


def _shape_of(value: object) -> object:
    """What the compiled query depends on: the argument's type, a list's length and item type, or
    the value itself for True, False and None. Asked on every call, so the common types come first."""
    kind = type(value)
    if kind is int:
        return int if _LOWEST <= value <= _HIGHEST else _TOO_BIG  # type: ignore[operator]  # an int
    if kind is str:
        return str
    if kind is list or kind is tuple:
        items = cast(Sequence[Any], value)
        if not items:
            return (list, 0)
        types: set[type | None] = set(map(type, items))  # the usual case, quickly: ids, names
        if not types <= {int, str, dt.date, dt.datetime}:
            types = set(map(_scalar_type, items))
        if len(types) != 1 or None in types:
            raise NotPreparable("a list argument holds items of one type: ints, texts, dates or datetimes")
        (item_type,) = types
        if item_type is int and not (min(items) >= _LOWEST and max(items) <= _HIGHEST):
            return _TOO_BIG
        return (item_type, len(items))
    if value is None or kind is bool:
        return value
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, int):
        return _shape_of(int(value))
    scalar = _scalar_type(value)
    if scalar is None:
        raise NotPreparable(f"an argument of type {kind.__name__} cannot be prepared")
    return scalar


def _scalar_type(value: object) -> type | None:
    if isinstance(value, bool):
        return None
    return next((kind for kind in _SCALARS if isinstance(value, kind)), None)


def _stand_ins(args: Sequence[Any], alias: str) -> tuple[list[Any], dict[Any, _Slot]]:
    """The arguments to build the query with, and where each stand-in comes from (as each reaches
    the parameters: a datetime or a date as the backend writes it)."""
    built: list[Any] = []
    slots: dict[Any, _Slot] = {}
    number = 0

    def stand_in(kind: type, position: int, item: int | None) -> Any:
        nonlocal number
        number += 1
        if kind is int:
            value: Any = _INT_BASE + number
            slots[value] = _Slot(position, item)
        elif kind is str:
            value = f" {_TEXT_MARK}{number}%_\\\x00 "
            slots[value] = _Slot(position, item)
        elif kind is dt.datetime:
            value = dt.datetime(2999, 12, 31, 23, 59, 59, number, tzinfo=dt.UTC)
            slots[_written(value, "datetime", alias)] = _Slot(position, item, "datetime")
        else:
            value = dt.date(2999, 1, 1) + dt.timedelta(days=number)
            slots[_written(value, "date", alias)] = _Slot(position, item, "date")
        return value

    for position, value in enumerate(args):
        shape = _shape_of(value)
        if isinstance(shape, tuple):
            built.append([stand_in(shape[0], position, index) for index in range(shape[1])])
        elif shape in _SCALARS:
            built.append(stand_in(cast(type, shape), position, None))
        else:
            built.append(value)
    return built, slots


def _looks_derived(param: Any) -> bool:
    """A parameter that is no stand-in but was made from one: a text holding a stand-in's mark (a
    LIKE pattern), a number or a moment near the stand-ins (an id plus one, the month after)."""
    if isinstance(param, str):
        return _TEXT_MARK in param or param.startswith(("2998-", "2999-", "3000-"))
    if isinstance(param, dt.date):
        return param.year >= 2998
    return isinstance(param, int) and not isinstance(param, bool) and abs(param - _INT_BASE) < 10**7


def _written(value: Any, kind: str, alias: str) -> Any:
    """A datetime or date as a query's parameter holds it (SQLite: text, a datetime in UTC;
    PostgreSQL: as it is)."""
    ops = connections[alias].ops
    return ops.adapt_datetimefield_value(value) if kind == "datetime" else ops.adapt_datefield_value(value)


def _plan(builder: Callable[..., QuerySet], args: Sequence[Any]) -> _Plan:
    built, slots = _stand_ins(args, _ALIAS)
    queryset = builder(*built)
    if queryset.db != _ALIAS:
        raise NotPreparable(f"{builder.__qualname__}: only the default database is supported")
    name = builder.__qualname__
    if queryset._prefetch_related_lookups or queryset._known_related_objects:  # type: ignore[attr-defined]
        raise NotPreparable(f"{name}: prefetching and known related objects are not supported")
    shapes = {ModelIterable: "models", ValuesListIterable: "tuples", FlatValuesListIterable: "flat",
              ValuesIterable: "dicts"}
    shape = shapes.get(queryset._iterable_class)
    if shape is None:
        raise NotPreparable(f"{name}: {queryset._iterable_class.__name__} rows are not supported")
    compiler = queryset.query.get_compiler(queryset.db)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        # Django answers without asking the database: an empty list of ids, or a stand-in out of
        # a column's range. Whether the real values would too is not known, so Django decides.
        return _Plan("", (), fallback=True)
    found: set[_Slot] = set()
    mapped: list[Any] = []
    for param in params:
        slot = slots.get(param) if type(param) in (int, str, dt.datetime, dt.date) else None
        if slot is None:
            if _looks_derived(param):
                raise NotPreparable(f"{name}: a value worked out from an argument would be compiled in")
            mapped.append(param)
        else:
            found.add(slot)
            mapped.append(slot)
    missing = set(slots.values()) - found
    if missing or _TEXT_MARK in sql or str(_INT_BASE)[:7] in sql:
        raise NotPreparable(f"{name}: an argument does not reach the query's parameters unchanged")
    fields = [column[0] for column in compiler.select[:compiler.col_count]]
    if compiler.has_composite_fields(fields):
        raise NotPreparable(f"{name}: composite fields are not supported")
    plan = _Plan(sql, tuple(mapped), db=queryset.db, shape=shape, col_count=compiler.col_count,
                 trim=compiler.has_extra_select,
                 converters=[(position, converters, expression) for position, (converters, expression)
                             in compiler.get_converters(fields).items()])
    if shape == "models":
        klass_info = compiler.klass_info
        select_fields = klass_info["select_fields"]
        start, end = select_fields[0], select_fields[-1] + 1
        plan.model = klass_info["model"]
        plan.model_columns = (start, end)
        plan.init_list = [column[0].target.attname for column in compiler.select[start:end]]
        plan.related_populators = get_related_populators(klass_info, compiler.select, queryset.db)
        plan.annotation_columns = dict(compiler.annotation_col_map)
    elif shape == "dicts":
        query = queryset.query
        plan.names = list(query.selected) if query.selected else [
            *query.extra_select, *query.values_select, *query.annotation_select]
    return plan


def _run(plan: _Plan, args: Sequence[Any]) -> list[Any]:
    alias = plan.db
    connection = connections[alias]
    params = [part if type(part) is not _Slot else _value(part, args, alias) for part in plan.params]
    with connection.cursor() as cursor:
        cursor.execute(plan.sql, params)
        rows: list[Any] = cursor.fetchall()
    if plan.trim:
        rows = [row[:plan.col_count] for row in rows]
    if plan.converters:
        rows = [_converted(row, plan.converters, connection) for row in rows]
    if plan.shape == "flat":
        return [row[0] for row in rows]
    if plan.shape == "tuples":
        return [tuple(row) for row in rows]
    if plan.shape == "dicts":
        names = plan.names
        return [dict(zip(names, row, strict=False)) for row in rows]
    return _instances(plan, rows, alias)


def _value(slot: _Slot, args: Sequence[Any], alias: str) -> Any:
    value = args[slot.argument] if slot.item is None else args[slot.argument][slot.item]
    return _written(value, slot.written, alias) if slot.written else value


def _converted(row: Sequence[Any], converters: list[tuple[int, list[Callable], Any]], connection: Any) -> list[Any]:
    values = list(row)
    for position, functions, expression in converters:
        value = values[position]
        for function in functions:
            value = function(value, expression, connection)
        values[position] = value
    return values


def _instances(plan: _Plan, rows: list[Any], alias: str) -> list[Any]:
    start, end = plan.model_columns
    from_db, init_list = plan.model.from_db, plan.init_list
    annotations = plan.annotation_columns.items()
    objects = []
    for row in rows:
        obj = from_db(alias, init_list, row[start:end])
        for populator in plan.related_populators:
            populator.populate(row, obj)
        for name, position in annotations:
            setattr(obj, name, row[position])
        objects.append(obj)
    return objects
