from __future__ import annotations

from django.db import models
from django.db.models import Q


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
        return self.filter(
            Q(status=self.model.Status.APPROVED)
            | Q(pk__in=own, status=self.model.Status.PENDING)
        )

    def for_thread(self) -> CommentQuerySet:
        """The columns a thread renders, oldest first, in one query."""
        return self.only(
            "pk",
            "post_id",
            "parent_id",
            "status",
            "created_at",
            "author_name",
            "author_url",
            "avatar_url",
            "author_email",
            "identity_kind",
            "body_html",
        ).order_by("created_at", "pk")

    def by_identity(self, key: str) -> CommentQuerySet:
        return self.filter(identity_key=key)
