"""What the likes block shows for one post, in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass

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
    count = likes.count()
    recent = list(
        likes.select_related("user__profile").order_by("-created_at", "-pk")[
            :SHOWN_LIKERS
        ]
    )
    external = CommentSettings.load().external_avatars
    likers = []
    for like in recent:
        profile = getattr(like.user, "profile", None) if like.user_id else None
        url = like.profile_url or (profile.website if profile else "")
        likers.append(
            Liker(
                name=like.name,
                url=url if url.startswith(("http://", "https://")) else "",
                avatar=avatar_for(
                    email=like.user.email if like.user_id else "",
                    avatar_url=like.avatar_url,
                    seed=like.identity_key,
                    external=external,
                ),
            )
        )
    liked = identity is not None and likes.filter(identity_key=identity.key).exists()
    return LikeSummary(count=count, likers=likers, liked=liked)
