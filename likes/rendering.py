"""The likes block of a post page, for the page and for the page cache."""

from __future__ import annotations

from django.template import engines
from django.urls import reverse
from django.utils.safestring import mark_safe

from blog.models import Post
from comments.identity import identity_for_request
from config import pagecache
from config.pagecache import csrf_placeholder
from likes.summary import like_summary


def like_section(request, post, *, csrf_token) -> str:
    """The likes block of the post page. On pages the page cache keeps, a part of
    its own: a like draws only this again."""
    html = like_section_html(post, identity_for_request(request), csrf_token=csrf_token)
    return pagecache.hole(request, "likes", post.pk, mark_safe(html))  # noqa: S308 - template output  # nosec B308 B703


def like_section_html(post, identity, *, csrf_token) -> str:
    """The Like button, "N bloggers like this" and the likers' avatars."""
    return html_for(
        like_summary(post, identity), post_id=post.pk, csrf_token=csrf_token
    )


def html_for(summary, *, post_id: int, csrf_token) -> str:
    """The block for `summary` (likes/jinja2/likes/like_section.html)."""
    return (
        engines["jinja2"]
        .get_template("likes/like_section.html")
        .render(
            {
                "summary": summary,
                "action": reverse("likes:like", args=[post_id]),
                "csrf_token": csrf_token,
            }
        )
    )


def cached_page_like_section(request, post_id: int) -> str:
    """The block as every reader of a cached page sees it (config.pagecache fills
    the page's "likes" part with it after a like)."""
    return like_section_html(Post(pk=post_id), None, csrf_token=csrf_placeholder())
