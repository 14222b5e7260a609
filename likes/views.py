from __future__ import annotations

from urllib.parse import urlencode

from django.http import Http404, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from accounts.adapters import SOCIAL_RETURN_SESSION_KEY
from blog.models import Post
from comments.identity import configured_networks, identity_for_request, network_name
from config.ratelimit import ip_key, ratelimit
from likes.rendering import html_for
from likes.services import set_like
from likes.summary import like_summary

# A like asked for before the reader had an identity, done when they return.
PENDING_LIKE_SESSION_KEY = "colophon_pending_like"


def _likeable(post_id: int) -> Post:
    post = get_object_or_404(Post.objects.published(), pk=post_id)
    if not post.likes_enabled:
        raise Http404("Likes are off for this post.")
    return post


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _likes_url(post) -> str:
    return f"{post.get_absolute_url()}#likes"


def _liker_key(request) -> str:
    """Likes are limited per identity, or per address for readers without one."""
    identity = identity_for_request(request)
    return f"identity:{identity.key}" if identity is not None else ip_key(request)


@require_POST
@ratelimit("like", key=_liker_key)
def like(request, post_id: int):
    """Like or unlike (the form says which); JSON for scripts, a redirect without."""
    post = _likeable(post_id)
    identity = identity_for_request(request)
    wants = request.POST.get("action", "like") != "unlike"
    if identity is None:
        request.session[PENDING_LIKE_SESSION_KEY] = post.pk
        choose_url = reverse("likes:choose", args=[post.pk])
        if _wants_json(request):
            return JsonResponse({"login_url": choose_url}, status=401)
        return redirect(choose_url)
    set_like(post=post, identity=identity, liked=wants)
    if _wants_json(request):
        summary = like_summary(post, identity)
        html = html_for(summary, post_id=post.pk, csrf_token=get_token(request))
        return JsonResponse(
            {"liked": summary.liked, "count": summary.count, "html": html}
        )
    return redirect(_likes_url(post))


@require_GET
def choose(request, post_id: int):
    """The identity choices for a reader who clicked Like without one."""
    post = _likeable(post_id)
    complete_url = reverse("likes:complete", args=[post.pk])
    login_url = f"{reverse('account_login')}?{urlencode({'next': complete_url})}"
    # A failed network log-in comes back to the post's likes.
    request.session[SOCIAL_RETURN_SESSION_KEY] = _likes_url(post)
    return render(
        request,
        "likes/choose_identity.html",
        {
            "post": post,
            "networks": [
                {"id": provider.id, "name": network_name(provider.id)}
                for provider in configured_networks(request)
            ],
            "login_url": login_url,
            "complete_url": complete_url,
        },
    )


@require_GET
def complete(request, post_id: int):
    """Back from logging in: do the like the reader asked for, then show the post."""
    post = _likeable(post_id)
    identity = identity_for_request(request)
    pending = request.session.get(PENDING_LIKE_SESSION_KEY)
    # Only a like started by this browser's earlier POST is done here.
    if identity is not None and pending == post.pk:
        del request.session[PENDING_LIKE_SESSION_KEY]
        set_like(post=post, identity=identity, liked=True)
    return redirect(_likes_url(post))
