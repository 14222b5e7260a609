from __future__ import annotations

from django.db import models

from comments.thread import THREAD_COLUMNS


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

    def by_identity(self, key: str) -> CommentQuerySet:
        return self.filter(identity_key=key)
