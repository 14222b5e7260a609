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
import time
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.template import engines
from django.urls import get_script_prefix
from django.utils import timezone
from django.utils.translation import get_language, gettext

from blog.models import Post
from comments import avatars, display, reads
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
from config.pagecache import csrf_placeholder

# A row's key changes with whatever it is drawn from, so it never goes stale;
# the timeout only gives the memory back.
ROW_CACHE_SECONDS = 24 * 3600
ROW_TEMPLATE = "comments/thread_row.html"
# Rows this process read from the shared cache, so the next discussion drawn here
# need not fetch them again (a few long discussions' worth).
_local_rows = pagecache.LocalCopies(
    settings.COLOPHON_ROW_CACHE_LOCAL_BYTES,
    size=lambda entry: len(entry["html"]),
)


def comment_section(request, post, *, csrf_token) -> Iterator[str]:
    """The discussion of the post page, in pieces of HTML for the page to write out
    one after another (a discussion is hundreds of kilobytes: joined at each level
    it was copied over and over). On pages the page cache keeps, a part of its own:
    a change to the post's comments draws only this again."""
    opening, closing = pagecache.hole_markers(request, "discussion", post.pk)
    yield opening
    yield from _discussion_pieces(request, post, csrf_token=csrf_token)
    yield closing


def discussion_html(request, post, *, csrf_token, keep_rows: bool = False) -> str:
    """The count heading, the threaded comments and the "Leave a Reply" form, as
    `request`'s reader sees them. With `keep_rows`, each top-level thread's rows are
    kept in the shared cache (see _rows)."""
    return "".join(
        _discussion_pieces(request, post, csrf_token=csrf_token, keep_rows=keep_rows)
    )


def _discussion_pieces(
    request, post, *, csrf_token, keep_rows: bool = False
) -> Iterator[str]:
    discussion = pagecache.per_site_version(
        request, ("comment settings",), CommentSettings.load
    )
    own_ids = (
        request.session.get(OWN_COMMENTS_SESSION_KEY, [])
        if hasattr(request, "session")
        else []
    )
    thread = _thread(
        post, own_ids, _page_number(request), discussion, keep_rows=keep_rows
    )
    identity = identity_for_request(request)
    networks = (
        []
        if identity
        else [
            {"id": provider_id, "name": network_name(provider_id)}
            for provider_id in pagecache.per_site_version(
                request,
                ("networks",),
                lambda: [provider.id for provider in configured_networks(request)],
            )
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
    # "Show Gravatar avatars" off means no picture from elsewhere, this one too.
    identity_avatar = (
        identity.avatar_url if identity and discussion.external_avatars else ""
    )
    template = engines["jinja2"].env.get_template("comments/comment_section.html")
    return template.generate(
        {
            **thread,
            "csrf_token": csrf_token,
            "form": form,
            "form_html": render_comment_form(form) if form is not None else "",
            "identity": identity,
            "networks": networks,
            "identity_network": Kind.NETWORKS.get(identity.kind) if identity else None,
            "identity_avatar": identity_avatar,
            "closed_reason": closed_reason,
            "reply_to": reply_to,
            "site_name": settings.COLOPHON_SITE_NAME,
            "reply_template": gettext("Reply to %s"),
        }
    )


def cached_page_discussion(request, post_id: int) -> str:
    """The discussion as every reader of a cached page sees it (config.pagecache
    draws the page's "discussion" part with it after the post's comments change).
    A post gone since the page was stored raises, and the view answers instead."""
    post = pagecache.per_site_version(
        request,
        ("discussion post", post_id),
        lambda: Post.objects.defer("body", "body_html").get(pk=post_id),
    )
    return discussion_html(
        request, post, csrf_token=csrf_placeholder(), keep_rows=pagecache.enabled()
    )


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


def _thread(post, own_ids, page, discussion, *, keep_rows: bool) -> dict:
    """What comments/thread.html draws: the count heading, the threaded comments of
    one page and the page links.

    The outline of every visible comment (id, parent, status, last change) is
    enough to cut the page (and find the page's kept rows); only the comments
    whose rows must be drawn are then read in full, so one page of thousands of
    comments costs one short row each for the rest, and a discussion drawn again
    after one approval reads one thread.
    """
    outline = reads.thread_outline(post.pk, own_ids, changes=keep_rows)
    thread = build_thread(
        outline,
        max_depth=discussion.thread_depth,
        per_page=discussion.per_page,
        page=page,
    )

    def read_comments(pks: list[int]) -> dict:
        # All of them (the whole discussion on one page): no list of ids to send.
        return reads.shown_comments(
            post.pk, own_ids, None if len(pks) == len(outline) else pks
        )

    approved = Comment.Status.APPROVED
    return {
        "post": post,
        "thread": thread,
        "rows": _rows(
            thread.nodes, discussion, keep_rows=keep_rows, read_comments=read_comments
        ),
        "approved_count": sum(1 for row in outline if row[2] == approved),
    }


def render_thread(post, comments: list, *, page, discussion) -> str:
    """`comments` (comments.thread.CommentRow, oldest first) as the thread of one
    page, every row drawn afresh; no queries."""
    thread = build_thread(
        [(c.pk, c.parent_id) for c in comments],
        max_depth=discussion.thread_depth,
        per_page=discussion.per_page,
        page=page,
    )
    by_pk = {c.pk: c for c in comments}
    rows = _rows(
        thread.nodes, discussion, keep_rows=False, read_comments=lambda pks: by_pk
    )
    return (
        engines["jinja2"]
        .get_template("comments/thread.html")
        .render(
            {
                "post": post,
                "thread": thread,
                "rows": rows,
                "approved_count": sum(
                    1 for c in comments if c.status == Comment.Status.APPROVED
                ),
            }
        )
    )


def _rows(nodes, discussion, *, keep_rows: bool, read_comments) -> list[str]:
    """The nodes' comment rows: the HTML of each top-level comment's thread.

    The nodes hold outline rows (their first item the comment's pk). When
    `keep_rows`, each top-level comment's thread (it and its replies) is looked up
    in this process's copies, then in the shared cache; only the threads found in
    neither are drawn, from their comments as `read_comments(pks)` reads them in
    full (CommentRow by pk), and kept.
    """
    threads = _threads(nodes)
    keys = []
    if keep_rows:
        drawn_from = _row_context(discussion.external_avatars)
        keys = [_thread_key(thread, drawn_from) for thread in threads]
    drawn = _kept_rows(keys) if keys else [None] * len(threads)
    missing = [number for number, html in enumerate(drawn) if html is None]
    complete = set(missing)
    # A post without comments reads its (empty) rows too, so a page runs as many
    # queries at no comment as at a thousand.
    full = (
        read_comments(
            [node.comment[0] for number in missing for node in threads[number]]
        )
        if missing or not threads
        else {}
    )
    # Only the comments drawn now need their display values.
    shown = display.shown(full.values(), external_avatars=discussion.external_avatars)
    draw = _rows_macro()
    words = display.words()
    for number in missing:
        nodes = [
            (shown[node.comment[0]], node.depth, node.can_reply)
            for node in threads[number]
            if node.comment[0] in shown
        ]
        # A comment deleted since the outline was read is left out, and its
        # thread not kept under a key that still counts it.
        if len(nodes) < len(threads[number]):
            complete.discard(number)
        drawn[number] = str(draw(nodes, words)).strip()
    if keep_rows and complete:
        cache.set_many({keys[n]: drawn[n] for n in complete}, ROW_CACHE_SECONDS)
    return [html for html in drawn if html]


def _kept_rows(keys: list[str]) -> list[str | None]:
    """The kept rows under `keys` (None where there are none): this process's
    copies first, then one read of the shared cache for the rest. Rows read from
    the shared cache are copied here; a key never changes what it holds."""
    local = [_local_rows.get(key) for key in keys]
    wanted = [key for key, entry in zip(keys, local, strict=True) if entry is None]
    found = cache.get_many(wanted) if wanted else {}
    expires = time.time() + ROW_CACHE_SECONDS
    for key, html in found.items():
        _local_rows.put(key, {"html": html, "expires": expires})
    return [
        entry["html"] if entry is not None else found.get(key)
        for key, entry in zip(keys, local, strict=True)
    ]


def _threads(nodes) -> list[list]:
    """`nodes` (depth first) cut before each top-level comment."""
    threads = []
    for node in nodes:
        if node.depth == 1 or not threads:
            threads.append([])
        threads[-1].append(node)
    return threads


def _rows_macro():
    return engines["jinja2"].env.get_template(ROW_TEMPLATE).module.rows


def _thread_key(thread: list, drawn_from: bytes) -> str:
    """A key that changes with every comment's last change (the outline's, i.e.
    Comment.updated_at: any of its columns), status, depth and reply link in the
    thread (its nodes hold outline rows)."""
    # pickle: the values as bytes, quicker than repr().
    shown = [(node.comment, node.depth, node.can_reply) for node in thread]
    digest = hashlib.md5(  # noqa: S324 - a cache key, not security  # nosec B324
        drawn_from + pickle.dumps(shown)
    ).hexdigest()
    return f"pc:rows:{thread[0].comment[0]}:{digest}"


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
