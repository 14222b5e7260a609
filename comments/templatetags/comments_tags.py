from django import template
from django.conf import settings
from django.core.cache import cache
from django.template import engines
from django.utils.safestring import mark_safe

from comments import display
from comments.forms import CommentForm
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
from config.pagecache import thread_cache_key

register = template.Library()


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


THREAD_CACHE_SECONDS = 3600


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
    return _thread_html(post, thread, outline, discussion)


def render_thread(post, comments: list, *, page, discussion) -> str:
    """`comments` (oldest first, full rows) as the thread of one page; no queries."""
    thread = build_thread(
        comments,
        max_depth=discussion.thread_depth,
        per_page=discussion.per_page,
        page=page,
    )
    return _thread_html(post, thread, comments, discussion)


def _thread_html(post, thread, comments, discussion) -> str:
    # Only the comments of this page need their display fields.
    display.prepare(
        (node.comment for node in thread.nodes),
        external_avatars=discussion.external_avatars,
    )
    return mark_safe(  # noqa: S308 - our own template's autoescaped output  # nosec B308 B703
        engines["jinja2"]
        .get_template("comments/thread.html")
        .render(
            {
                "post": post,
                "thread": thread,
                "words": display.words(),
                "approved_count": sum(
                    1 for c in comments if c.status == Comment.Status.APPROVED
                ),
            },
        )
    )


@register.inclusion_tag("comments/tags/comment_section.html", takes_context=True)
def comment_section(context, post):
    """The count heading, the threaded comments and the "Leave a Reply" form."""
    request = context["request"]
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
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "post": post,
        "thread_html": thread_html,
        "form": form,
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
    }
