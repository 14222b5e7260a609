"""Arrange a post's comments into a threaded, paged list for the template."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple


class CommentRow(NamedTuple):
    """What the thread shows of a comment, as comments.reads reads it."""

    pk: int
    post_id: int
    parent_id: int | None
    status: str
    created_at: datetime
    author_name: str
    author_url: str
    avatar_url: str
    author_email: str
    identity_kind: str
    body_html: str


THREAD_COLUMNS = CommentRow._fields


@dataclass(slots=True)
class Node:
    comment: object
    depth: int
    can_reply: bool


@dataclass
class ThreadPage:
    nodes: list[Node]  # depth-first order, ready to print one after another
    number: int
    num_pages: int

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages


def build_thread(
    rows: list, *, max_depth: int, per_page: int, page: int | None
) -> ThreadPage:
    """Nest `rows` (oldest first; each a tuple whose first two items are the
    comment's pk and parent's pk, as comments.reads.thread_outline() reads them)
    under their parents and cut one page of top-level threads (oldest first). Each
    node's `comment` is its row. A reply whose parent is not shown is shown at the
    top level."""
    # Tuples, not objects: a long discussion's outline has thousands of rows and
    # only the page's are ever looked at again.
    shown = {row[0] for row in rows}
    top = []
    children: dict[int, list] = {}
    for row in rows:
        parent_id = row[1]
        if parent_id is None or parent_id not in shown:
            top.append(row)
        else:
            children.setdefault(parent_id, []).append(row)

    num_pages = max(1, math.ceil(len(top) / per_page)) if per_page else 1
    number = min(max(1, page or 1), num_pages)
    if per_page:
        top = top[(number - 1) * per_page : number * per_page]

    nodes: list[Node] = []

    def walk(row, depth: int) -> None:
        nodes.append(Node(row, depth, depth < max_depth))
        for child in children.get(row[0], ()):
            walk(child, min(depth + 1, max_depth))

    for row in top:
        walk(row, 1)
    return ThreadPage(nodes=nodes, number=number, num_pages=num_pages)


def page_of(comment, comments: list, *, per_page: int) -> int:
    """The page on which `comment` appears (its top-level ancestor's page)."""
    if not per_page:
        return 1
    by_id = {c.pk: c for c in comments}
    root = comment
    while root.parent_id in by_id:
        root = by_id[root.parent_id]
    top_ids = [c.pk for c in comments if c.parent_id not in by_id]
    index = top_ids.index(root.pk) if root.pk in top_ids else 0
    return index // per_page + 1
