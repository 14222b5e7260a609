"""The discussion's two reads, in SQL written once (config.sql): the outline of a
post's visible comments, then the shown ones in full.

Every draw of a post's discussion runs both, and a long discussion has a thousand
rows in the first: compiling the queries with the ORM and building its rows cost
more than running them.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

from django.utils.dateparse import parse_datetime

from comments.models import Comment
from comments.thread import THREAD_COLUMNS, CommentRow
from config.sql import read_rows, table, vendor

APPROVED = Comment.Status.APPROVED
PENDING = Comment.Status.PENDING


def thread_outline(post_id: int, own_ids=(), *, changes: bool = True) -> list[tuple]:
    """Every visible comment's (pk, parent pk, status, last change), oldest first:
    enough to build the thread, cut one page of it and find its kept rows. Visible:
    approved, and the reader's own held comments (`own_ids`, from their session).
    The last change is Comment.updated_at as the database writes it: a key, never
    shown; without `changes` it is left out (a thousand of them to format and read
    when no kept rows are looked up). On PostgreSQL the index comment_post_thread
    answers it alone."""
    visible, params = _visible(own_ids)
    changed = ", CAST(updated_at AS TEXT)" if changes else ""
    return _read(
        f"SELECT id, parent_id, status{changed} FROM {_table()}"  # noqa: S608  # nosec B608
        f" WHERE post_id = %s AND {visible} ORDER BY created_at, id",
        [post_id, *params],
        fixed=not own_ids,
    )


def shown_comments(
    post_id: int, own_ids=(), pks: list[int] | None = None
) -> dict[int, CommentRow]:
    """The visible comments `pks` (all, when None) of the post, in full, by pk."""
    visible, params = _visible(own_ids)
    sql = f"SELECT {_columns()} FROM {_table()} WHERE post_id = %s AND {visible}"  # noqa: S608  # nosec B608
    fixed = not own_ids
    if pks is not None and vendor(Comment) == "postgresql":
        # One array, not a list of values: the text stays the same from page to
        # page, so the statement is prepared once (a page of a long discussion
        # has hundreds of ids, and planning them cost more than the read).
        sql += " AND id = ANY(%s)"
        params = [*params, list(pks)]
    elif pks is not None:
        sql += f" AND id IN ({_marks(pks)})"
        params = [*params, *pks]
        fixed = False
    rows = _read(sql, [post_id, *params], fixed=fixed)
    return {row[0]: CommentRow(*row[:4], _aware(row[4]), *row[5:]) for row in rows}


def _visible(own_ids) -> tuple[str, list]:
    own = [int(pk) for pk in own_ids]
    if not own:
        return "status = %s", [APPROVED]
    return (
        f"(status = %s OR (status = %s AND id IN ({_marks(own)})))",
        [APPROVED, PENDING, *own],
    )


def _marks(values) -> str:
    return ", ".join(["%s"] * len(values))


def _read(sql: str, params: list, *, fixed: bool) -> list[tuple]:
    # Prepared only when the text does not vary with the reader or the page.
    return read_rows(Comment, sql, params, prepared=fixed)


@cache
def _table() -> str:
    return table(Comment)


@cache
def _columns() -> str:
    meta = Comment._meta
    # THREAD_COLUMNS names fields; "pk" is the primary key.
    return ", ".join(
        (meta.pk if name == "pk" else meta.get_field(name)).column
        for name in THREAD_COLUMNS
    )


def _aware(moment):
    """A timestamp as the ORM would give it: aware, in UTC. A hand-written query
    on SQLite returns it without its zone (or as text)."""
    if isinstance(moment, str):
        moment = parse_datetime(moment)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment
