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

from django.db import connections, router


def read_rows(model, sql: str, params) -> list[tuple]:
    """The rows of `sql` (standard SQL, %s placeholders), read where `model` is read.
    Datetimes are passed as the ORM passes them (SQLite keeps them as UTC text)."""
    connection = connections[router.db_for_read(model)]
    adapt = connection.ops.adapt_datetimefield_value
    params = [adapt(p) if isinstance(p, dt.datetime) else p for p in params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


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
