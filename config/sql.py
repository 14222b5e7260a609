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
