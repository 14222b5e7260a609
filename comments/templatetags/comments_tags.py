from django import template
from django.conf import settings

from comments.avatars import avatar_for
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
    comments = list(Comment.objects.for_post(post).visible_to(own_ids).for_thread())
    approved_count = sum(1 for c in comments if c.status == Comment.Status.APPROVED)
    for comment in comments:
        comment.avatar = avatar_for(
            email=comment.author_email,
            avatar_url=comment.avatar_url,
            seed=f"{comment.identity_kind}:{comment.author_name}",
            external=discussion.external_avatars,
        )
    thread = build_thread(
        comments,
        max_depth=discussion.thread_depth,
        per_page=discussion.per_page,
        page=_page_number(request),
    )
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
    if form is not None:
        parent_id = form["parent"].value()
        reply_to = next(
            (c for c in comments if str(c.pk) == str(parent_id) and parent_id), None
        )
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "post": post,
        "thread": thread,
        "approved_count": approved_count,
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
