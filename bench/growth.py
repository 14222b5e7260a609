"""How the comment thread's rendering time grows with the number of comments.

Issue 9 asks that the post page render in time growing no faster than linearly in
comments. `make bench` renders the thread of the 1,000-comment post unpaged, for its
first 125, 250, 500 and 1,000 comments, in its own process (the same code the post
page runs: comments.rendering.render_thread), and reports the best
of several runs per size and the time per comment.
"""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass

SIZES = (125, 250, 500, 1000)
REPEATS = 7


@dataclass(frozen=True)
class Growth:
    comments: int
    milliseconds: float

    @property
    def microseconds_per_comment(self) -> float:
        return self.milliseconds * 1000 / self.comments


def thread_render_growth(post_pk: int) -> list[Growth]:
    from blog.models import Post
    from comments.models import CommentSettings
    from comments.reads import shown_comments
    from comments.rendering import render_thread

    post = Post.objects.get(pk=post_pk)
    unpaged = copy.copy(CommentSettings.load())
    unpaged.per_page = 0
    # Oldest first, as the outline orders them.
    comments = sorted(
        shown_comments(post.pk).values(), key=lambda c: (c.created_at, c.pk)
    )
    growth = []
    for size in SIZES:
        first = comments[:size]
        best = float("inf")
        for _ in range(REPEATS):
            started = time.perf_counter()
            render_thread(post, first, page=None, discussion=unpaged)
            best = min(best, time.perf_counter() - started)
        growth.append(Growth(size, best * 1000))
    return growth


def growth_note(growth: list[Growth]) -> str:
    sizes = ", ".join(
        f"{g.comments:,}: {g.milliseconds:.1f} ms ({g.microseconds_per_comment:.0f} µs "
        "a comment)"
        for g in growth
    )
    ratio = growth[-1].microseconds_per_comment / growth[0].microseconds_per_comment
    verdict = "linear or better" if ratio <= 1.25 else "worse than linear"
    return (
        "Thread rendering time, unpaged, best of "
        f"{REPEATS} in the bench process (comments.rendering."
        f"render_thread): {sizes}; time per comment at {growth[-1].comments:,} is "
        f"{ratio:.2f}× that at {growth[0].comments:,}: {verdict}."
    )
