"""What the likes block shows for one post, in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Window

from comments.avatars import avatar_for
from comments.models import CommentSettings
from likes.models import Like

SHOWN_LIKERS = 10


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


def like_summary(post, identity) -> LikeSummary:
    """Count, the most recent likers and whether `identity` is among them."""
    likes = Like.objects.filter(post=post)
    # The most recent likers, each row carrying the count of all (one query, rows
    # as dicts: a cached page draws this block again after every like).
    recent = list(
        likes.order_by("-created_at", "-pk").values(
            "name",
            "profile_url",
            "avatar_url",
            "identity_key",
            "user_id",
            "user__email",
            "user__profile__website",
            total=Window(Count("pk")),
        )[:SHOWN_LIKERS]
    )
    count = recent[0]["total"] if recent else 0
    external = CommentSettings.load().external_avatars
    likers = []
    for like in recent:
        url = like["profile_url"] or like["user__profile__website"] or ""
        likers.append(
            Liker(
                name=like["name"],
                url=url if url.startswith(("http://", "https://")) else "",
                avatar=avatar_for(
                    email=like["user__email"] or "",
                    avatar_url=like["avatar_url"],
                    seed=like["identity_key"],
                    external=external,
                ),
            )
        )
    liked = identity is not None and likes.filter(identity_key=identity.key).exists()
    return LikeSummary(count=count, likers=likers, liked=liked)
