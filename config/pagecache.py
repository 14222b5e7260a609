"""Anonymous reader pages from the shared cache, never stale, never someone else's.

A page is stored under versions kept in the same cache (Redis in production), so one
`bump` on any app server makes every server miss on its next request:

- "site": anything that can appear on many pages (posts, categories, tags, link
  lists, author profiles, discussion settings);
- one version per path: a post page's comments and likes (and its comment feed).

Only requests without a session, "remember me" or messages cookie are served from
or stored in the cache: logged-in readers, and a guest whose held comment is shown
only to them, always get a fresh page. Pages carry CSRF tokens; the stored copy has
a placeholder that is replaced with the visitor's own token on every response.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotModified
from django.middleware.csrf import get_token
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import parse_etags, quote_etag

logger = logging.getLogger(__name__)

SITE_VERSION_KEY = "pc:v:site"
NEXT_CHANGE_KEY = "pc:next-scheduled"
# "colophon_primary" marks a visitor who just wrote (config/replica.py): they read
# their own write from the primary, never a page cached before it.
PERSONAL_COOKIES = ("colophon_commenter", "messages", "colophon_primary")
UNCACHED_PREFIXES = (
    "/admin/",
    "/accounts/",
    "/profile/",
    "/likes/",
    "/comments/post/",
    "/comments/moderate/",
    "/comments/follow/",
    "/preview/",
    "/healthz",
    "/static/",
    "/media/",
)


def csrf_placeholder() -> str:
    """A marker only this site can produce, so reader text can never imitate it."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), b"colophon-csrf-placeholder", hashlib.sha256
    ).hexdigest()
    return f"csrf{digest[:32]}"


def _path_version_key(path: str) -> str:
    return "pc:v:path:" + hashlib.md5(path.encode()).hexdigest()  # noqa: S324 - a key  # nosec B324


def bump_site() -> None:
    """Every cached page is out of date."""
    _bump(SITE_VERSION_KEY)
    cache.delete(NEXT_CHANGE_KEY)


def bump_paths(*paths: str) -> None:
    """The cached pages at these paths (any query string) are out of date."""
    for path in paths:
        _bump(_path_version_key(path))


def _bump(key: str) -> None:
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, int(time.time() * 1000), None)


def enabled() -> bool:
    return getattr(settings, "COLOPHON_PAGE_CACHE", True)


def is_eligible(request) -> bool:
    """Whether this request may be answered from, or stored in, the shared cache."""
    if request.method not in ("GET", "HEAD"):
        return False
    if request.path.startswith(UNCACHED_PREFIXES):
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return False
    return not any(name in request.COOKIES for name in PERSONAL_COOKIES)


def _page_key(request) -> str:
    path_key = _path_version_key(request.path)
    versions = cache.get_many([SITE_VERSION_KEY, path_key])
    digest = hashlib.md5(  # noqa: S324 - a cache key, not security  # nosec B324
        request.get_full_path().encode()
    ).hexdigest()
    return (
        f"pc:page:{versions.get(SITE_VERSION_KEY, 0)}:{versions.get(path_key, 0)}"
        f":{digest}"
    )


def _storable(response) -> bool:
    if response.status_code != 200 or response.streaming:
        return False
    if response.cookies:
        return False
    cache_control = response.get("Cache-Control", "")
    return not any(
        word in cache_control for word in ("private", "no-store", "no-cache")
    )


def _timeout() -> int:
    """Pages live no longer than the next scheduled post's publish time."""
    default = getattr(settings, "COLOPHON_PAGE_CACHE_SECONDS", 300)
    next_change = cache.get(NEXT_CHANGE_KEY)
    if next_change is None:
        from blog.models import Post

        upcoming = (
            Post.objects.filter(status=Post.Status.SCHEDULED, published_at__gt=_now())
            .order_by("published_at")
            .values_list("published_at", flat=True)
            .first()
        )
        next_change = upcoming.timestamp() if upcoming else 0
        cache.set(NEXT_CHANGE_KEY, next_change, default)
    if next_change:
        return max(1, min(default, int(next_change - time.time()) + 1))
    return default


def _now():
    from django.utils import timezone

    return timezone.now()


class ReaderPageCacheMiddleware:
    """Serve and store anonymous reader pages; answer If-None-Match with 304."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not enabled() or not is_eligible(request):
            return self.get_response(request)
        request.colophon_page_cache = True
        placeholder = csrf_placeholder()
        try:
            key = _page_key(request)
            stored = cache.get(key)
        except Exception:  # a cache outage must never take pages down
            logger.warning("page cache unavailable", exc_info=True)
            return self._personalise(request, self.get_response(request), placeholder)

        if stored is not None:
            response = HttpResponse(
                stored["content"], content_type=stored["content_type"]
            )
            for header, value in stored["headers"].items():
                response[header] = value
            response["X-Cache"] = "hit"
        else:
            response = self.get_response(request)
            if _storable(response):
                response["ETag"] = quote_etag(
                    hashlib.md5(response.content).hexdigest()  # noqa: S324 - an ETag  # nosec B324
                )
                headers = {
                    name: response[name]
                    for name in ("ETag", "Content-Language", "Vary")
                    if name in response
                }
                try:
                    cache.set(
                        key,
                        {
                            "content": response.content,
                            "content_type": response["Content-Type"],
                            "headers": headers,
                        },
                        _timeout(),
                    )
                except Exception:
                    logger.warning("page cache unavailable", exc_info=True)
                response["X-Cache"] = "miss"

        etag = response.get("ETag")
        if etag and etag in parse_etags(request.headers.get("If-None-Match", "")):
            not_modified = HttpResponseNotModified()
            not_modified["ETag"] = etag
            return self._headers(not_modified)
        return self._personalise(request, response, placeholder)

    def _personalise(self, request, response, placeholder):
        """Put this visitor's own CSRF token where the stored copy has the marker."""
        if not response.streaming and placeholder.encode() in response.content:
            response.content = response.content.replace(
                placeholder.encode(), get_token(request).encode()
            )
        return self._headers(response)

    @staticmethod
    def _headers(response):
        # Browsers revalidate (cheap 304s); shared proxies never keep a copy, since
        # every copy carries one visitor's CSRF token.
        patch_cache_control(response, private=True, no_cache=True)
        patch_vary_headers(response, ["Cookie"])
        return response


def _comments_version_key(post_id: int) -> str:
    return f"pc:v:comments:{post_id}"


def bump_post_discussion(post) -> None:
    """A post's comments changed: its page, its comment feeds and its thread."""
    _bump(_comments_version_key(post.pk))
    url = post.get_absolute_url()
    bump_paths(url, f"{url}feed/", "/comments/feed/")


def bump_post_likes(post) -> None:
    """A post's likes changed: its page only (the comment thread stays cached)."""
    bump_paths(post.get_absolute_url())


def thread_cache_key(post, page: int | None) -> str:
    """Where the rendered comment thread of `post` (one page of it) is kept."""
    comments_key = _comments_version_key(post.pk)
    versions = cache.get_many([SITE_VERSION_KEY, comments_key])
    return (
        f"pc:thread:{versions.get(SITE_VERSION_KEY, 0)}:"
        f"{versions.get(comments_key, 0)}:{post.pk}:{page or 1}"
    )


def connect_site_invalidation(*models) -> None:
    """Saving or deleting any of `models` bumps the site version (after commit)."""
    from django.db import transaction
    from django.db.models.signals import m2m_changed, post_delete, post_save

    def receiver(sender, raw=False, **kwargs):
        if not raw:
            transaction.on_commit(bump_site)

    for model in models:
        uid = f"pagecache_{model._meta.label_lower}"
        post_save.connect(
            receiver, sender=model, dispatch_uid=f"{uid}_save", weak=False
        )
        post_delete.connect(
            receiver, sender=model, dispatch_uid=f"{uid}_delete", weak=False
        )
        m2m_changed.connect(
            receiver, sender=model, dispatch_uid=f"{uid}_m2m", weak=False
        )
