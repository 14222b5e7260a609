"""What the likes block shows for one post, in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from comments.avatars import avatar_for
from comments.models import CommentSettings
from config.sql import read_rows, table
from likes.models import Like

SHOWN_LIKERS = 10
# CommentSettings.load() reads this row (or the fields' defaults before it exists).
_SETTINGS_ROW = 1
_DEFAULT_EXTERNAL_AVATARS = CommentSettings._meta.get_field("external_avatars").default


@dataclass
class Liker:
    name: str
    url: str
    avatar: str


@dataclass
class LikeSummary:
    count: int
    likers: list[Liker]
    liked: bool

    @property
    def others(self) -> int:
        """Likers counted but not shown with an avatar."""
        return max(0, self.count - len(self.likers))


@cache
def _recent_likes_sql() -> str:
    """The most recent likes of one post with their likers' details, each row
    carrying the count of all likes and the avatar setting.

    Written by hand: a cached page draws this block again after every like, and
    compiling the same query with the ORM cost more than running it.
    """
    user = Like._meta.get_field("user").related_model
    profile = user._meta.get_field("profile").related_model
    # Table names from the models; every value is a parameter.
    return (
        "SELECT l.name, l.profile_url, l.avatar_url, l.identity_key, u.email,"  # noqa: S608  # nosec B608
        " p.website, COUNT(*) OVER (), s.external_avatars"
        f" FROM {table(Like)} l"
        f" LEFT JOIN {table(user)} u ON u.id = l.user_id"
        f" LEFT JOIN {table(profile)} p ON p.user_id = u.id"
        f" LEFT JOIN {table(CommentSettings)} s ON s.id = %s"
        " WHERE l.post_id = %s ORDER BY l.created_at DESC, l.id DESC LIMIT %s"
    )


def like_summary(post, identity) -> LikeSummary:
    """Count, the most recent likers and whether `identity` is among them."""
    recent = read_rows(
        Like,
        _recent_likes_sql(),
        [_SETTINGS_ROW, post.pk, SHOWN_LIKERS],
        prepared=True,
    )
    count = recent[0][6] if recent else 0
    likers = []
    for name, profile_url, avatar_url, identity_key, email, website, _n, ext in recent:
        url = profile_url or website or ""
        likers.append(
            Liker(
                name=name,
                url=url if url.startswith(("http://", "https://")) else "",
                avatar=avatar_for(
                    email=email or "",
                    avatar_url=avatar_url,
                    seed=identity_key,
                    external=_DEFAULT_EXTERNAL_AVATARS if ext is None else bool(ext),
                ),
            )
        )
    liked = (
        identity is not None
        and Like.objects.filter(post=post, identity_key=identity.key).exists()
    )
    return LikeSummary(count=count, likers=likers, liked=liked)
