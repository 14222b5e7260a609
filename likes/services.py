"""Liking and unliking: one like per identity per post, whatever the timing."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from comments.identity import Identity
from config.pagecache import bump_post_likes
from likes.models import Like


def set_like(*, post, identity: Identity, liked: bool) -> bool:
    """Make `identity`'s like of `post` exist (or not); returns the resulting state.

    Idempotent: a double click or two concurrent requests leave exactly one row,
    which the database's unique constraint guarantees.
    """
    # Whatever happens below, the post's cached page must show the new count.
    transaction.on_commit(lambda: bump_post_likes(post))
    if not liked:
        Like.objects.filter(post=post, identity_key=identity.key).delete()
        return False
    try:
        with transaction.atomic():
            Like.objects.get_or_create(
                post=post,
                identity_key=identity.key,
                defaults={
                    "identity_kind": identity.kind,
                    "user_id": identity.user_id,
                    "name": identity.name,
                    "profile_url": identity.url,
                    "avatar_url": identity.avatar_url,
                },
            )
    except IntegrityError:
        # A concurrent request inserted the same like first: the goal is reached.
        pass
    return True
