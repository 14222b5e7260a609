"""Hand-written read queries for the hottest pages.

The post page is drawn afresh whenever its stored copy is out of date, and a few of
its reads return hundreds of rows (links, comments). Compiling the same query with
the ORM on every request cost more than running it, and building model instances
more than drawing the rows; these reads are therefore SQL written once per process
(table and column names from the models, every value a parameter) returning plain
tuples. Each runs on the database the router reads `model` from, so read replicas
are used as they are for the ORM's queries.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import weakref
from functools import lru_cache

from django.db import connections, router


def table(model) -> str:
    """The model's table name, quoted as the ORM quotes it (both databases use
    double quotes), so the hand-written SQL reads like the ORM's in logs."""
    return '"{}"'.format(model._meta.db_table.replace('"', '""'))


def vendor(model) -> str:
    """The kind of database `model` is read from ("postgresql", "sqlite")."""
    return connections[router.db_for_read(model)].vendor


def read_rows(model, sql: str, params, *, prepared: bool = False) -> list[tuple]:
    """The rows of `sql` (standard SQL, %s placeholders), read where `model` is read.
    Datetimes are passed as the ORM passes them (SQLite keeps them as UTC text).

    `prepared`: on PostgreSQL, the statement is prepared once per connection and
    then only executed, so the server plans it once (planning cost the post page's
    queries as much as running them). For SQL whose text never varies with the
    values: each distinct text is one more prepared statement on every connection.
    """
    connection = connections[router.db_for_read(model)]
    adapt = connection.ops.adapt_datetimefield_value
    params = [adapt(p) if isinstance(p, dt.datetime) else p for p in params]
    if prepared and connection.vendor == "postgresql":
        sql = _execute_prepared(connection, sql, len(params))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


# psycopg2 connection → names of the statements prepared on it. A connection
# opened anew (after CONN_MAX_AGE or a failure) has none.
_prepared: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _execute_prepared(connection, sql: str, count: int) -> str:
    """EXECUTE of `sql` prepared on `connection`, preparing it first if needed.
    The PREPARE goes straight to the driver: it is not one of the page's queries."""
    connection.ensure_connection()
    name, numbered = _statement(sql)
    names = _prepared.setdefault(connection.connection, set())
    if name not in names:
        with connection.connection.cursor() as cursor:
            cursor.execute(f"PREPARE {name} AS {numbered}")
        names.add(name)
    return (
        f"EXECUTE {name} ({', '.join(['%s'] * count)})" if count else f"EXECUTE {name}"
    )


# Statement name → its SQL, for statement_text().
_texts: dict[str, str] = {}


@lru_cache(maxsize=64)
def _statement(sql: str) -> tuple[str, str]:
    """A name for `sql` and `sql` with PostgreSQL's numbered parameters."""
    digest = hashlib.md5(sql.encode()).hexdigest()[:16]  # noqa: S324 - a name  # nosec B324
    parts = sql.split("%s")
    numbered = parts[0] + "".join(
        f"${number}{part}" for number, part in enumerate(parts[1:], start=1)
    )
    name = f"colophon_{digest}"
    _texts[name] = sql
    return name, numbered


def statement_text(executed: str) -> str:
    """The SQL behind `executed` when it runs a statement prepared here (as logs
    and captured queries show it: EXECUTE colophon_…), else `executed` itself."""
    words = executed.split(None, 2)
    if len(words) >= 2 and words[0].upper() == "EXECUTE" and words[1] in _texts:
        return _texts[words[1]]
    return executed


class ModelColumns:
    """Some of a model's columns in a hand-written query, and the instance built
    from their values with the conversions the ORM applies (SQLite, for one, hands
    back naive datetimes and integers for booleans)."""

    def __init__(self, model, *, leave_out=()):
        self.model = model
        self.fields = [
            f for f in model._meta.concrete_fields if f.name not in leave_out
        ]
        self.attnames = [f.attname for f in self.fields]
        self._converters: dict[str, list] = {}

    def select(self, alias: str) -> list[str]:
        """The columns as `alias`.column, in the order instance() takes them."""
        return [f"{alias}.{field.column}" for field in self.fields]

    def instance(self, db: str, values):
        """The model instance loaded from `values`, read on database `db`."""
        connection = connections[db]
        converted = [
            _convert(value, converters, connection)
            for value, converters in zip(
                values, self._converters_for(connection), strict=True
            )
        ]
        return self.model.from_db(db, self.attnames, converted)

    def _converters_for(self, connection) -> list:
        if connection.alias not in self._converters:
            self._converters[connection.alias] = [
                (
                    column,
                    connection.ops.get_db_converters(column)
                    + column.get_db_converters(connection),
                )
                for column in (
                    field.get_col(self.model._meta.db_table) for field in self.fields
                )
            ]
        return self._converters[connection.alias]


def _convert(value, converters, connection):
    column, functions = converters
    for function in functions:
        value = function(value, column, connection)
    return value
