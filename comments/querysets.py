from __future__ import annotations

from django.db import connections, models
from django.db.models.functions import Cast

from comments.thread import THREAD_COLUMNS, ThreadComment


class CommentQuerySet(models.QuerySet):
    def approved(self) -> CommentQuerySet:
        return self.filter(status=self.model.Status.APPROVED)

    def awaiting_moderation(self) -> CommentQuerySet:
        return self.filter(status=self.model.Status.PENDING)

    def for_post(self, post) -> CommentQuerySet:
        return self.filter(post=post)

    def visible_to(self, own_comment_ids=()) -> CommentQuerySet:
        """Approved comments, plus the reader's own held ones (from their session)."""
        own = [int(pk) for pk in own_comment_ids]
        if not own:
            return self.approved()
        # Two whole conditions ORed (each with the filters before it, e.g. the
        # post), so each half can use its own index: the post's approved comments,
        # and the reader's few held ones by id.
        return self.approved() | self.filter(
            pk__in=own, status=self.model.Status.PENDING
        )

    def for_thread(self) -> CommentQuerySet:
        """The columns a thread renders, oldest first, in one query."""
        return self.only(*THREAD_COLUMNS).order_by("created_at", "pk")

    def thread_outline(self) -> list[tuple[int, int | None, str, str]]:
        """Every comment's (pk, parent pk, status, last change), oldest first: enough
        to build the thread, cut one page of it and find its kept rows. The last
        change is Comment.updated_at as the database writes it: a key, never shown."""
        outline = (
            self.order_by("created_at", "pk")
            # Text, not datetimes: parsing a thousand timestamps cost over 0.5 ms.
            .annotate(changed=Cast("updated_at", models.TextField()))
            .values_list("pk", "parent_id", "status", "changed")
        )
        # The database's own tuples: Django's row iteration cost more than the
        # query for a thousand rows, and none of these columns needs converting.
        sql, params = outline.query.sql_with_params()
        with connections[outline.db].cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def thread_rows(self, *, ordered: bool = True) -> list[ThreadComment]:
        """for_thread() as light rows rather than model instances: a thread has up
        to thousands of comments and building models cost more than rendering."""
        rows = self.for_thread() if ordered else self.order_by()
        return [ThreadComment(*row) for row in rows.values_list(*THREAD_COLUMNS)]

    def by_identity(self, key: str) -> CommentQuerySet:
        return self.filter(identity_key=key)
