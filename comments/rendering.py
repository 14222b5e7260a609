"""The discussion part of a post page: the thread, then the "Leave a Reply" form.

For the page and for the page cache: on a cached page the discussion is a part of
its own (config.pagecache), drawn again alone when the post's comments change.
The rows of each top-level comment's thread (it and its replies) are kept in the
shared cache under a digest of everything they are drawn from, so a discussion
drawn again after one comment is approved draws that comment's thread and reads
the others: never stale, since any change makes a new key.
"""

from __future__ import annotations

import hashlib

# Only pickle.dumps, for cache keys: nothing is ever unpickled here.
import pickle  # nosec B403
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.template import engines, loader
from django.urls import get_script_prefix
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from blog.models import Post
from comments import avatars, display
from comments.forms import CommentForm, render_comment_form
from comments.identity import (
    Kind,
    configured_networks,
    identity_for_request,
    network_name,
)
from comments.models import Comment, CommentSettings
from comments.services import comments_closed_reason
from comments.thread import build_thread
from comments.views import (
    DRAFT_SESSION_KEY,
    OWN_COMMENTS_SESSION_KEY,
    remembered_commenter,
)
from config import pagecache
from config.pagecache import csrf_placeholder, thread_cache_key

THREAD_CACHE_SECONDS = 3600
# A row's key changes with whatever it is drawn from, so it never goes stale;
# the timeout only gives the memory back.
ROW_CACHE_SECONDS = 24 * 3600
ROW_TEMPLATE = "comments/thread_row.html"


def discussion_html(request, post, *, csrf_token) -> str:
    """The count heading, the threaded comments and the "Leave a Reply" form, as
    `request`'s reader sees them."""
    discussion = CommentSettings.load()
    own_ids = (
        request.session.get(OWN_COMMENTS_SESSION_KEY, [])
        if hasattr(request, "session")
        else []
    )
    page = _page_number(request)
    # Readers without a held comment of their own all see the same thread: it is
    # rendered once per change of the post's comments and kept in the shared cache.
    key = None if own_ids or not pagecache.enabled() else thread_cache_key(post, page)
    thread_html = cache.get(key) if key else None
    if thread_html is None:
        thread_html = _render_thread(post, own_ids, page, discussion)
        if key:
            cache.set(key, thread_html, THREAD_CACHE_SECONDS)
    identity = identity_for_request(request)
    networks = (
        []
        if identity
        else [
            {"id": provider.id, "name": network_name(provider.id)}
            for provider in configured_networks(request)
        ]
    )
    closed_reason = comments_closed_reason(post, discussion)
    form = None if closed_reason else _form_for(request, post, identity, discussion)
    reply_to = None
    parent_id = str(form["parent"].value() or "") if form is not None else ""
    if parent_id.isdigit():
        reply_to = (
            Comment.objects.for_post(post)
            .approved()
            .filter(pk=int(parent_id))
            .only("pk", "author_name")
            .first()
        )
    return loader.render_to_string(
        "comments/tags/comment_section.html",
        {
            "request": request,
            "csrf_token": csrf_token,
            "post": post,
            "thread_html": thread_html,
            "form": form,
            "form_html": render_comment_form(form) if form is not None else "",
            "identity": identity,
            "networks": networks,
            "identity_network": Kind.NETWORKS.get(identity.kind) if identity else None,
            # "Show Gravatar avatars" off means no picture from elsewhere, this one too.
            "identity_avatar": (
                identity.avatar_url if identity and discussion.external_avatars else ""
            ),
            "closed_reason": closed_reason,
            "reply_to": reply_to,
            "site_name": settings.COLOPHON_SITE_NAME,
            "user": request.user,
        },
    )


def cached_page_discussion(request, post_id: int) -> str:
    """The discussion as every reader of a cached page sees it (config.pagecache
    draws the page's "discussion" part with it after the post's comments change).
    A post gone since the page was stored raises, and the view answers instead."""
    post = Post.objects.defer("body", "body_html").get(pk=post_id)
    return discussion_html(request, post, csrf_token=csrf_placeholder())


def _page_number(request) -> int | None:
    try:
        return int(request.GET.get("cpage", ""))
    except ValueError:
        return None


def _form_for(request, post, identity, discussion) -> CommentForm:
    """A fresh form, or the reader's last attempt with its errors (kept in session)."""
    draft = (
        request.session.get(DRAFT_SESSION_KEY) if hasattr(request, "session") else None
    )
    if draft and draft.get("post") == post.pk:
        del request.session[DRAFT_SESSION_KEY]
        if draft.get("check", True):
            form = CommentForm(
                draft["data"],
                post=post,
                identity=identity,
                max_length=discussion.max_length,
            )
            form.is_valid()
            if draft.get("error"):
                form.add_error(None, draft["error"])
            return form
        # Back from a log-in: the typed text and reply target, not yet checked.
        return CommentForm(
            post=post,
            identity=identity,
            initial=draft["data"],
            max_length=discussion.max_length,
        )
    initial = {}
    if identity is None:
        remembered = remembered_commenter(request)
        initial = {
            "name": remembered.get("name", ""),
            "email": remembered.get("email", ""),
            "url": remembered.get("url", ""),
            "remember": bool(remembered),
        }
    reply_to = request.GET.get("replytocom", "")
    if reply_to.isdigit():
        initial["parent"] = int(reply_to)
    return CommentForm(
        post=post, identity=identity, initial=initial, max_length=discussion.max_length
    )


def _render_thread(post, own_ids, page, discussion) -> str:
    """The count heading, the threaded comments of one page and the page links.

    The outline of every visible comment (id, parent, status) is enough to cut
    the page; only that page's comments are then read in full, so a discussion of
    thousands costs one short row each for the rest.
    """
    visible = Comment.objects.for_post(post).visible_to(own_ids)
    outline = visible.thread_outline()
    thread = build_thread(
        outline,
        max_depth=discussion.thread_depth,
        per_page=discussion.per_page,
        page=page,
    )
    shown = visible
    if thread.num_pages > 1:
        shown = visible.filter(pk__in=[node.comment.pk for node in thread.nodes])
    rows = {row.pk: row for row in shown.thread_rows()}
    # A comment deleted between the two reads is left out.
    thread.nodes = [node for node in thread.nodes if node.comment.pk in rows]
    for node in thread.nodes:
        node.comment = rows[node.comment.pk]
    return _thread_html(
        post, thread, outline, discussion, keep_rows=pagecache.enabled()
    )


def render_thread(post, comments: list, *, page, discussion) -> str:
    """`comments` (oldest first, thread_rows()) as the thread of one page, every row
    drawn afresh; no queries."""
    thread = build_thread(
        comments,
        max_depth=discussion.thread_depth,
        per_page=discussion.per_page,
        page=page,
    )
    return _thread_html(post, thread, comments, discussion, keep_rows=False)


def _thread_html(post, thread, comments, discussion, *, keep_rows: bool) -> str:
    return mark_safe(  # noqa: S308 - our own template's autoescaped output  # nosec B308 B703
        engines["jinja2"]
        .get_template("comments/thread.html")
        .render(
            {
                "post": post,
                "thread": thread,
                "rows": _rows(thread.nodes, discussion, keep_rows=keep_rows),
                "approved_count": sum(
                    1 for c in comments if c.status == Comment.Status.APPROVED
                ),
            },
        )
    )


def _rows(nodes, discussion, *, keep_rows: bool) -> str:
    """The nodes' comment rows, one after another. When `keep_rows`, each
    top-level comment's thread (it and its replies) is read from the shared cache
    where it is there, and drawn and kept where it is not."""
    threads = _threads(nodes)
    keys = []
    if keep_rows:
        drawn_from = _row_context(discussion.external_avatars)
        keys = [_thread_key(thread, drawn_from) for thread in threads]
    found = cache.get_many(keys) if keys else {}
    drawn = [found.get(key) for key in keys] if keys else [None] * len(threads)
    missing = [number for number, html in enumerate(drawn) if html is None]
    # Only the comments drawn now need their display fields.
    display.prepare(
        (node.comment for number in missing for node in threads[number]),
        external_avatars=discussion.external_avatars,
    )
    draw = _row_macro()
    words = display.words()
    for number in missing:
        drawn[number] = "\n".join(
            str(draw(node.comment, words, node.depth, node.can_reply)).strip()
            for node in threads[number]
        )
    if keep_rows and missing:
        cache.set_many({keys[n]: drawn[n] for n in missing}, ROW_CACHE_SECONDS)
    return mark_safe("\n".join(drawn))  # noqa: S308 - rows our template drew  # nosec B308 B703


def _threads(nodes) -> list[list]:
    """`nodes` (depth first) cut before each top-level comment."""
    threads = []
    for node in nodes:
        if node.depth == 1 or not threads:
            threads.append([])
        threads[-1].append(node)
    return threads


def _row_macro():
    return engines["jinja2"].env.get_template(ROW_TEMPLATE).module.row


def _thread_key(thread: list, drawn_from: bytes) -> str:
    """A key that changes with every column, depth and reply link of the rows."""
    # pickle: the columns (text, numbers, times) as bytes, quicker than repr().
    shown = [(node.comment.columns, node.depth, node.can_reply) for node in thread]
    digest = hashlib.md5(  # noqa: S324 - a cache key, not security  # nosec B324
        drawn_from + pickle.dumps(shown)
    ).hexdigest()
    return f"pc:rows:{thread[0].comment.pk}:{digest}"


def _row_context(external_avatars: bool) -> bytes:
    """What a row is drawn from besides its comment: the language, time zone,
    avatar setting, address prefix and the code that draws it."""
    return repr(
        (
            _drawing_code_digest(),
            get_language(),
            timezone.get_current_timezone_name(),
            external_avatars,
            get_script_prefix(),
        )
    ).encode()


@lru_cache(maxsize=1)
def _drawing_code_digest() -> str:
    """A release that draws rows differently never reads rows an earlier one drew."""
    env = engines["jinja2"].env
    source = env.loader.get_source(env, ROW_TEMPLATE)[0].encode()
    for module in (display, avatars):
        source += Path(module.__file__).read_bytes()
    return hashlib.md5(source).hexdigest()  # noqa: S324 - a cache key  # nosec B324
