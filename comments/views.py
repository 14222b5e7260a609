from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core import signing
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_http_methods, require_POST

from accounts.adapters import SOCIAL_RETURN_SESSION_KEY
from blog.models import Post
from comments import services
from comments.avatars import identicon_svg
from comments.forms import CommentForm
from comments.identity import configured_network, guest_identity, identity_for_request
from comments.models import Comment, CommentSettings
from comments.signing import read_moderation_token
from comments.thread import page_of
from config.ratelimit import client_address, ratelimit

DRAFT_SESSION_KEY = "colophon_comment_draft"
# The signed form token goes with the draft: without it the form shown again after a
# mistake says "tampered with" and can never be sent.
DRAFT_FIELDS = (
    "comment",
    "name",
    "email",
    "url",
    "remember",
    "notify",
    "parent",
    "security",
)
OWN_COMMENTS_SESSION_KEY = "colophon_own_comments"
REMEMBER_COOKIE = "colophon_commenter"
REMEMBER_MAX_AGE = 365 * 24 * 3600


def _client_ip(request) -> str | None:
    # The reader's address, also behind a trusted reverse proxy (config.ratelimit).
    return client_address(request)


def _keep_draft(
    request, post, form_data, error: str | None = None, *, check: bool = True
) -> None:
    """Hold what the reader typed so the form shows it again: with its errors after a
    failed post (`check`), or as it was when the reader left to log in."""
    request.session[DRAFT_SESSION_KEY] = {
        "post": post.pk,
        "data": {
            key: form_data.get(key, "")
            for key in DRAFT_FIELDS
            if form_data.get(key) is not None
        },
        "error": error,
        "check": check,
    }


def _respond_url(post) -> str:
    return f"{post.get_absolute_url()}#respond"


def _comment_rate_limited(request, post_id: int, *, verdict):
    """Over the comment rate limit (config.ratelimit): the typed text is kept."""
    post = get_object_or_404(Post.objects.published(), pk=post_id)
    _keep_draft(
        request,
        post,
        request.POST,
        error=_("You are posting comments too quickly. Slow down."),
    )
    context = {
        "message": _(
            "You are posting comments too quickly. Your comment is kept: go back "
            "and send it again in a minute."
        ),
        "back_url": _respond_url(post),
        "back_text": _("Back to your comment"),
    }
    response = render(request, "429.html", context, status=429)
    response["Retry-After"] = str(verdict.retry_after)
    return response


# What a comment POST reads of its post: the published check, "comments open", the
# permalink. Not the body and its rendered HTML (a long read's are many kilobytes).
SUBMIT_POST_FIELDS = (
    "pk",
    "slug",
    "status",
    "published_at",
    "published_on",
    "comments_open",
)


@require_POST
@ratelimit("comment", on_limited=_comment_rate_limited)
def submit(request, post_id: int):
    """Take a "Leave a Reply" POST; land on the new comment, or back on the form."""
    post = get_object_or_404(
        Post.objects.published().only(*SUBMIT_POST_FIELDS), pk=post_id
    )
    discussion = CommentSettings.load()
    identity = identity_for_request(request)
    form = CommentForm(
        request.POST, post=post, identity=identity, max_length=discussion.max_length
    )
    if not form.is_valid():
        _keep_draft(request, post, request.POST)
        return redirect(_respond_url(post))

    data = form.cleaned_data
    if identity is None:
        identity = guest_identity(
            name=data["name"], email=data["email"], url=data["url"]
        )
    parent = None
    if data.get("parent"):
        parent = (
            Comment.objects.filter(pk=data["parent"], post=post)
            .only("pk", "post_id", "parent_id", "status")
            .order_by()
            .first()
        )
    try:
        comment = services.submit_comment(
            post=post,
            identity=identity,
            body=data["comment"],
            parent=parent,
            ip_address=_client_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
            notify=data.get("notify", False),
            discussion=discussion,
        )
    except services.CommentRefused as refused:
        _keep_draft(request, post, request.POST, error=refused.message)
        return redirect(_respond_url(post))

    request.session.pop(DRAFT_SESSION_KEY, None)
    if comment.status == Comment.Status.PENDING:
        own = request.session.get(OWN_COMMENTS_SESSION_KEY, [])
        request.session[OWN_COMMENTS_SESSION_KEY] = [*own[-49:], comment.pk]
    if data.get("notify") and identity.email:
        messages.info(
            request, _("Check your email to confirm follow-up comment notifications.")
        )
    response = redirect(_comment_url(request, comment, discussion))
    if identity.is_guest:
        _remember_commenter(response, data)
    return response


def _comment_url(request, comment, discussion) -> str:
    if discussion.per_page:
        own = request.session.get(OWN_COMMENTS_SESSION_KEY, [])
        # Two ids a row, not model instances: a long discussion has thousands.
        visible = list(
            Comment.objects.for_post(comment.post_id)
            .visible_to(own)
            .for_thread()
            .values_list("pk", "parent_id", named=True)
        )
        page = page_of(comment, visible, per_page=discussion.per_page)
    else:
        page = 1  # one page holds every comment
    query = f"?cpage={page}" if page > 1 else ""
    return f"{comment.post.get_absolute_url()}{query}#comment-{comment.pk}"


def _remember_commenter(response, data) -> None:
    """WordPress's "Save my name…" box: a cookie only when ticked, cleared when not."""
    if data.get("remember"):
        response.set_signed_cookie(
            REMEMBER_COOKIE,
            signing.dumps(
                {"name": data["name"], "email": data["email"], "url": data["url"]},
                compress=True,
            ),
            salt=REMEMBER_COOKIE,
            max_age=REMEMBER_MAX_AGE,
            httponly=True,
            samesite="Lax",
        )
    else:
        response.delete_cookie(REMEMBER_COOKIE)


def remembered_commenter(request) -> dict:
    raw = request.get_signed_cookie(REMEMBER_COOKIE, default=None, salt=REMEMBER_COOKIE)
    if not raw:
        return {}
    try:
        return signing.loads(raw)
    except signing.BadSignature:
        return {}


@require_POST
def connect(request, post_id: int, provider_id: str):
    """An identity icon in the comment form: keep the draft, then log in and return
    to the same form (a network through allauth, or this site's log-in page)."""
    post = get_object_or_404(Post.objects.published(), pk=post_id)
    return_url = _respond_url(post)
    if provider_id == "local":
        _keep_draft(request, post, request.POST, check=False)
        return redirect(f"{reverse('account_login')}?{urlencode({'next': return_url})}")
    provider = configured_network(request, provider_id)
    if provider is None:
        raise Http404("That network is not configured.")
    _keep_draft(request, post, request.POST, check=False)
    request.session[SOCIAL_RETURN_SESSION_KEY] = return_url
    return provider.redirect(request, process="login", next_url=return_url)


@require_http_methods(["GET", "POST"])
def moderate(request, token: str):
    """The emailed one-click link: GET asks to confirm, POST changes the status."""
    try:
        payload = read_moderation_token(token)
    except signing.SignatureExpired:
        return _bad_link(request, _("This moderation link has expired."))
    except signing.BadSignature:
        return _bad_link(request, _("This moderation link is not valid."))
    comment = get_object_or_404(Comment.objects.select_related("post"), pk=payload["c"])
    from django.contrib.auth import get_user_model

    moderator = get_user_model().objects.filter(pk=payload["m"], is_active=True).first()
    if moderator is None or not moderator.has_perm("comments.moderate_comment"):
        return _bad_link(request, _("This moderation link is no longer valid."))
    action = payload["a"]
    status = {
        "approve": Comment.Status.APPROVED,
        "spam": Comment.Status.SPAM,
        "trash": Comment.Status.TRASH,
    }[action]
    if request.method == "POST":
        services.set_comment_status(comments=[comment], status=status, by=moderator)
        return render(
            request,
            "comments/moderate_done.html",
            {"comment": comment, "status": status},
        )
    return render(
        request,
        "comments/moderate_confirm.html",
        {"comment": comment, "action": action},
    )


def _bad_link(request, message: str):
    return render(request, "comments/bad_link.html", {"message": message}, status=400)


@require_http_methods(["GET", "POST"])
def confirm_subscription(request, token: str):
    if request.method == "POST":
        subscription = services.confirm_subscription(token)
        if subscription is None:
            return _bad_link(request, _("This confirmation link is not valid."))
        messages.success(
            request, _("You will be emailed about new comments on this post.")
        )
        return redirect(subscription.post.get_absolute_url())
    return render(request, "comments/subscription_confirm.html", {"token": token})


@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    if request.method == "POST":
        subscription = services.unsubscribe(token)
        messages.success(request, _("You will get no more emails about this post."))
        if subscription is not None:
            return redirect(subscription.post.get_absolute_url())
        return redirect("blog:home")
    return render(request, "comments/unsubscribe.html", {"token": token})


@cache_control(max_age=86400, public=True)
def avatar(request, digest: str):
    return HttpResponse(identicon_svg(digest), content_type="image/svg+xml")


def safe_next(request, fallback: str) -> str:
    """A `next` parameter only when it points back into this site."""
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback
