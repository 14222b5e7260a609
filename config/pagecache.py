"""Anonymous reader pages from the shared cache, never stale, never someone else's.

A page is stored under versions kept in the same cache (Redis in production), so one
`bump` on any app server makes every server miss on its next request:

- "site": anything that can appear on many pages (posts, categories, tags, link
  lists, author profiles, discussion settings);
- one version per path: a post page's comments (and its comment feed);
- one version per "hole" and path: a part of a page kept apart from it, such as a
  post's likes or its discussion. A like or an approved comment re-renders only that
  part: the stored page has a marker where the part goes, and the part is stored (and
  invalidated) on its own.

Only requests without a session, "remember me" or messages cookie are served from
or stored in the cache: logged-in readers, and a guest whose held comment is shown
only to them, always get a fresh page. Pages carry CSRF tokens; the stored copy has
a placeholder that is replaced with the visitor's own token on every response.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotModified
from django.middleware.csrf import get_token
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import parse_etags, quote_etag
from django.utils.safestring import mark_safe

logger = logging.getLogger(__name__)

SITE_VERSION_KEY = "pc:v:site"
# Part of every stored page's key: a release that stores pages differently never
# reads what an earlier one stored.
ENTRY_FORMAT = 4
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
    return _placeholder_for(settings.SECRET_KEY)


@lru_cache(maxsize=4)
def _placeholder_for(secret_key: str) -> str:
    # Worked out once per key, not on every request (and the page's parts' markers).
    digest = hmac.new(
        secret_key.encode(), b"colophon-csrf-placeholder", hashlib.sha256
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


def _path_digest(path: str) -> str:
    return hashlib.md5(path.encode()).hexdigest()  # noqa: S324 - a key  # nosec B324


# Parts of pages kept apart from them: name → renderer(request, object_id) → HTML.
_HOLE_RENDERERS: dict[str, Callable[[object, int], str]] = {}


def register_hole(name: str, renderer: Callable[[object, int], str]) -> None:
    """Let pages keep the part called `name` apart (see `hole`). `renderer` draws it
    again for a page served from the cache, as an anonymous reader sees it."""
    _HOLE_RENDERERS[name] = renderer


def _hole_version_key(name: str, path: str) -> str:
    return f"pc:v:{name}:{_path_digest(path)}"


def _hole_key(name: str, full_path: str) -> str:
    # Per address with its query string: a part may depend on it (?cpage=2).
    return f"pc:part:{ENTRY_FORMAT}:{name}:{_path_digest(full_path)}"


def _hole_tag() -> str:
    # Secret, like the CSRF placeholder: text in a post or comment cannot forge it.
    return "hole" + csrf_placeholder()[4:20]


def hole(request, name: str, object_id: int, html: str) -> str:
    """Mark `html`, the part `name` of the page for object `object_id`, so the page
    cache stores it apart from the page (only on pages it may store)."""
    opening, closing = hole_markers(request, name, object_id)
    if not opening:
        return html
    return mark_safe(f"{opening}{html}{closing}")  # noqa: S308 - wraps already-safe HTML in comments  # nosec B308 B703


def hole_markers(request, name: str, object_id: int) -> tuple[str, str]:
    """The comments that go before and after the part `name` (see hole()), for a
    part written out in pieces; empty on pages the cache does not store."""
    if not getattr(request, "colophon_page_cache", False):
        return "", ""
    tag = _hole_tag()
    return f"<!--{tag}:{name}:{int(object_id)}-->", f"<!--{tag}:{name}:end-->"


def bump_hole(name: str, path: str) -> None:
    """The part `name` of the page at `path` is out of date (the page is not)."""
    _bump(_hole_version_key(name, path))


def _cut_holes(content: bytes) -> tuple[list[bytes | str], dict[str, tuple]]:
    """The page cut at its parts' markers: its chunks (literal bytes, and each
    part's name where the part goes), and each part by name: (object_id, html)."""
    tag = b"<!--" + _hole_tag().encode() + b":"
    if tag not in content:
        return [content], {}
    opening = re.compile(rb"([a-z]+):(\d+)-->")
    chunks: list[bytes | str] = []
    parts: dict[str, tuple] = {}
    position = searched = 0
    # str.find rather than one regular expression over the page: a part is
    # hundreds of kilobytes, and a lazy match crawls through them.
    while (start := content.find(tag, searched)) != -1:
        searched = start + len(tag)
        head = opening.match(content, searched)
        if head is None:
            continue
        name = head.group(1)
        closing = tag + name + b":end-->"
        stop = content.find(closing, head.end())
        if stop == -1:
            continue
        chunks += [content[position:start], name.decode()]
        parts[name.decode()] = (int(head.group(2)), content[head.end() : stop])
        position = searched = stop + len(closing)
    chunks.append(content[position:])
    return chunks, parts


def _without_markers(content: bytes) -> bytes:
    """The page with its parts in place and their markers gone."""
    chunks, parts = _cut_holes(content)
    if not parts:
        return content
    return b"".join(c if isinstance(c, bytes) else parts[c][1] for c in chunks)


def _marker(name: str) -> bytes:
    return f"<!--{_hole_tag()}:{name}-->".encode()


# In a stored page's pieces, where the visitor's CSRF token goes (parts have names).
CSRF_SLOT = ""


def _pieces(shell: bytes) -> list[bytes | str]:
    """`shell` cut where something goes in on every hit: literal bytes, and between
    them a part's name or CSRF_SLOT. A hit then joins the pieces once instead of
    searching the whole page for each marker."""
    marker = re.compile(rb"<!--" + re.escape(_hole_tag().encode()) + rb":([a-z]+)-->")
    pieces: list[bytes | str] = []
    # Splitting on the token's placeholder first keeps the search in C: a page or
    # a part is hundreds of kilobytes.
    for number, chunk in enumerate(shell.split(csrf_placeholder().encode())):
        if number:
            pieces.append(CSRF_SLOT)
        position = 0
        if b"<!--" + _hole_tag().encode() in chunk:
            for match in marker.finditer(chunk):
                pieces += [chunk[position : match.start()], match.group(1).decode()]
                position = match.end()
        pieces.append(chunk[position:])
    return pieces


def _size(entry: dict) -> int:
    return sum(len(piece) for piece in entry["pieces"])


def _part(version: int, html: bytes, timeout: int) -> dict:
    """A part as stored: its version, and its HTML cut where the CSRF token goes."""
    return {
        "version": version,
        "pieces": _pieces(html),
        "expires": time.time() + timeout,
    }


def _with_token(request, pieces: list) -> bytes:
    """`pieces` (bytes, and CSRF_SLOT where the token goes) joined, with this
    visitor's CSRF token in."""
    token = get_token(request).encode() if CSRF_SLOT in pieces else b""
    return b"".join(token if piece == CSRF_SLOT else piece for piece in pieces)


@dataclass
class _Lookup:
    page_key: str
    versions: tuple[int, int]
    stored: dict | None
    # For each registered hole: (current version, stored part's pieces if current).
    holes: dict[str, tuple[int, list | None]]
    # When the next scheduled post goes out (see _timeout), if the cache knew.
    next_change: float | None = None


class LocalCopies:
    """Entries ({..., "expires": time}) this process read from the shared cache
    last, so it need not fetch them again: here the pages and parts of pages it
    served (a copy is used only while the versions read from Redis on that request
    are still the ones it was rendered under). Kept until the stored copy would
    have expired; bounded by size (`size` of an entry), least recently used out
    first."""

    def __init__(self, max_bytes: int, size: Callable[[dict], int] = _size):
        self.max_bytes = max_bytes
        self._size = size
        self.size = 0
        self.entries: OrderedDict[str, dict] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str) -> dict | None:
        with self.lock:
            entry = self.entries.get(key)
            if entry is None:
                return None
            if entry.get("expires", 0) <= time.time():
                self._drop(key)
                return None
            self.entries.move_to_end(key)
            return entry

    def put(self, key: str, entry: dict) -> None:
        size = self._size(entry)
        if size > self.max_bytes // 4:
            return
        with self.lock:
            self._drop(key)
            self.entries[key] = entry
            self.size += size
            while self.size > self.max_bytes:
                self._drop(next(iter(self.entries)))

    def discard(self, key: str) -> None:
        with self.lock:
            self._drop(key)

    def _drop(self, key: str) -> None:
        entry = self.entries.pop(key, None)
        if entry is not None:
            self.size -= self._size(entry)


_local_copies = LocalCopies(
    getattr(settings, "COLOPHON_PAGE_CACHE_LOCAL_BYTES", 16 * 1024 * 1024)
)


def _site_version(found: dict) -> int:
    """The site version; created when the cache has none (a new or emptied cache),
    so pages this process kept from before never match it."""
    version = found.get(SITE_VERSION_KEY)
    if version is None:
        fresh = time.time_ns() // 1000
        # Another worker may have created it first: then theirs is the version.
        added = cache.add(SITE_VERSION_KEY, fresh, None)
        version = fresh if added else cache.get(SITE_VERSION_KEY, 0)
    return version


def _lookup(request) -> _Lookup:
    """The page's key, the versions it must carry, the stored page if it is current
    and its parts: one round trip to the cache.

    A page is kept under its address alone, with the site and path versions it was
    rendered under; a stored page (or part) whose versions differ from the current
    ones is out of date and treated as missing (the next store replaces it). When
    this process has a copy of the page, the round trip leaves the page out.
    """
    path = request.path
    path_key = _path_version_key(path)
    digest = hashlib.md5(  # noqa: S324 - a cache key, not security  # nosec B324
        request.get_full_path().encode()
    ).hexdigest()
    page_key = f"pc:page:{ENTRY_FORMAT}:{digest}"
    local_key = cache.make_key(page_key)
    local = _local_copies.get(local_key)
    full_path = request.get_full_path()
    hole_keys = {
        name: (_hole_version_key(name, path), _hole_key(name, full_path))
        for name in _HOLE_RENDERERS
    }
    local_parts = {
        name: _local_copies.get(cache.make_key(part_key))
        for name, (_, part_key) in hole_keys.items()
    }
    keys = [SITE_VERSION_KEY, path_key, NEXT_CHANGE_KEY]
    if local is None:
        keys.append(page_key)
    for name, (version_key, part_key) in hole_keys.items():
        keys.append(version_key)
        if local_parts[name] is None:
            keys.append(part_key)
    found = cache.get_many(keys)
    versions = (_site_version(found), found.get(path_key, 0))
    stored = local if local is not None else found.get(page_key)
    if local is not None and local.get("versions") != versions:
        # This process's copy is out of date; another worker or app server may
        # have stored the current page since: the shared copy decides.
        _local_copies.discard(local_key)
        stored = cache.get(page_key)
        local = None
    if stored is not None and stored.get("versions") != versions:
        stored = None
    elif stored is not None and local is None:
        _local_copies.put(local_key, stored)
    holes = {}
    for name, (version_key, part_key) in hole_keys.items():
        version = found.get(version_key, 0)
        holes[name] = (
            version,
            _current_part(part_key, version, local_parts[name], found),
        )
    return _Lookup(page_key, versions, stored, holes, found.get(NEXT_CHANGE_KEY))


def _current_part(part_key: str, version: int, local: dict | None, found: dict):
    """The pieces of the stored part if it is at `version`: this process's copy, or
    the shared one (read again when this process's copy is out of date)."""
    local_key = cache.make_key(part_key)
    part = local if local is not None else found.get(part_key)
    if local is not None and local["version"] != version:
        _local_copies.discard(local_key)
        part = cache.get(part_key)
        local = None
    if part is None or part["version"] != version:
        return None
    if local is None:
        _local_copies.put(local_key, part)
    return part["pieces"]


def _etag(shell_digest: str, names: list[str], lookup: _Lookup) -> str:
    """The page's ETag: its shell's hash and the versions of its parts."""
    parts = "".join(f"-{lookup.holes[name][0]}" for name in names)
    return quote_etag(f"{shell_digest}{parts}")


def _storable(response) -> bool:
    if response.status_code != 200 or response.streaming:
        return False
    if response.cookies:
        return False
    cache_control = response.get("Cache-Control", "")
    return not any(
        word in cache_control for word in ("private", "no-store", "no-cache")
    )


def _timeout(
    next_change: float | None = None, request=None, to_store: dict | None = None
) -> int:
    """Pages live no longer than the next scheduled post's publish time
    (`next_change`, when the caller has already read it from the cache). When it
    had to be worked out, it is stored for the other workers: in `to_store` if
    given (to go with the caller's own writes), else at once."""
    default = getattr(settings, "COLOPHON_PAGE_CACHE_SECONDS", 300)
    if next_change is None:
        next_change = cache.get(NEXT_CHANGE_KEY)
    if next_change is None or (next_change and next_change <= time.time()):
        # Scheduling or publishing a post bumps the site version, so the time is
        # kept per version until it passes.
        next_change = per_site_version(request, ("next scheduled",), _next_change)
        if next_change and next_change <= time.time():
            next_change = _next_change()
        if to_store is None:
            cache.set(NEXT_CHANGE_KEY, next_change, default)
        else:
            to_store[NEXT_CHANGE_KEY] = next_change
    if next_change:
        return max(1, min(default, int(next_change - time.time()) + 1))
    return default


def _next_change() -> float:
    """When the next scheduled post goes out (0: none is scheduled)."""
    from blog.models import Post

    upcoming = (
        Post.objects.filter(status=Post.Status.SCHEDULED, published_at__gt=_now())
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first()
    )
    return upcoming.timestamp() if upcoming else 0


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
            lookup = _lookup(request)
        except Exception:  # a cache outage must never take pages down
            logger.warning("page cache unavailable", exc_info=True)
            lookup = None
        else:
            # What only a site bump changes may be kept per version for this
            # request (per_site_version): the lookup has just read it.
            request.colophon_site_version = lookup.versions[0]
        response = self._from_cache(request, lookup) if lookup else None
        # The visitor's token is in a page served from or stored in the cache.
        personal = response is not None
        if response is None:
            response = self.get_response(request)
            if lookup is not None and _storable(response):
                self._store(request, response, lookup)
                response["X-Cache"] = "miss"
                personal = True
            elif not response.streaming:
                response.content = _without_markers(response.content)

        etag = response.get("ETag")
        if etag and etag in parse_etags(request.headers.get("If-None-Match", "")):
            not_modified = HttpResponseNotModified()
            not_modified["ETag"] = etag
            return self._headers(not_modified)
        if personal:
            return self._headers(response)
        return self._personalise(request, response, placeholder)

    def _from_cache(self, request, lookup: _Lookup) -> HttpResponse | None:
        """The stored page with its parts and the visitor's CSRF token filled in
        (parts out of date are drawn again and stored), or None when the page must
        be rendered."""
        stored = lookup.stored
        if stored is None:
            return None
        pieces = []
        drawn = []
        for piece in stored["pieces"]:
            if isinstance(piece, bytes) or piece == CSRF_SLOT:
                pieces.append(piece)
                continue
            version, part = lookup.holes.get(piece, (0, None))
            if part is None:
                part = self._draw(
                    request, piece, stored["holes"][piece], version, lookup
                )
                if part is None:
                    return None
                drawn.append(piece)
            pieces.extend(part)
        content = _with_token(request, pieces)
        response = HttpResponse(content, content_type=stored["content_type"])
        for header, value in stored["headers"].items():
            response[header] = value
        response["ETag"] = _etag(stored["digest"], list(stored["holes"]), lookup)
        response["X-Cache"] = "hit" if not drawn else f"hit; drawn: {', '.join(drawn)}"
        return response

    def _draw(self, request, name: str, object_id: int, version: int, lookup):
        """The part `name` rendered again and stored (its pieces), or None when it
        cannot be (then the view renders the whole page)."""
        try:
            html = _HOLE_RENDERERS[name](request, object_id).encode()
        except Exception:  # e.g. the database is down: the view decides
            logger.warning("page part %s failed", name, exc_info=True)
            return None
        timeout = _timeout(lookup.next_change, request)
        part = _part(version, html, timeout)
        self._save_parts(request, {name: part}, timeout)
        return part["pieces"]

    def _save_parts(self, request, parts: dict, timeout: int, page: dict | None = None):
        """Store parts (and the page's entry, if any) in the shared cache in one
        round trip. Like pages, they are kept in this process once read back."""
        full_path = request.get_full_path()
        entries = {_hole_key(name, full_path): part for name, part in parts.items()}
        self._save({**(page or {}), **entries}, timeout)

    def _store(self, request, response, lookup: _Lookup) -> None:
        """Keep the page, with its parts apart, give it its ETag, and answer with
        the stored pieces joined with this visitor's CSRF token (one copy of the
        page rather than a copy without the markers and another with the token)."""
        chunks, parts = _cut_holes(response.content)
        # The shell: the page with a marker where each part goes.
        shell = [c if isinstance(c, bytes) else _marker(c) for c in chunks]
        digest = hashlib.md5(b"".join(shell)).hexdigest()  # noqa: S324 - an ETag  # nosec B324
        response["ETag"] = _etag(digest, list(parts), lookup)
        headers = {
            name: response[name]
            for name in ("Content-Language", "Vary")
            if name in response
        }
        entries = {}
        timeout = _timeout(lookup.next_change, request, to_store=entries)
        page = {
            "versions": lookup.versions,
            "expires": time.time() + timeout,
            "digest": digest,
            "holes": {name: object_id for name, (object_id, _) in parts.items()},
            "pieces": [
                piece
                for c in chunks
                for piece in (_pieces(c) if isinstance(c, bytes) else [c])
            ],
            "content_type": response["Content-Type"],
            "headers": headers,
        }
        stored_parts = {
            name: _part(lookup.holes.get(name, (0, None))[0], part, timeout)
            for name, (_, part) in parts.items()
        }
        self._save_parts(
            request, stored_parts, timeout, page={**entries, lookup.page_key: page}
        )
        pieces = []
        for piece in page["pieces"]:
            if piece in stored_parts:
                pieces.extend(stored_parts[piece]["pieces"])
            else:
                pieces.append(piece)
        response.content = _with_token(request, pieces)

    @staticmethod
    def _save(entries: dict, timeout: int) -> None:
        try:
            cache.set_many(entries, timeout)
        except Exception:
            logger.warning("page cache unavailable", exc_info=True)

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


# (site version, what) → value: see per_site_version.
_site_memo: dict[tuple, object] = {}
SITE_MEMO_ENTRIES = 512


def per_site_version(request, what: tuple, compute: Callable[[], object]):
    """`compute()`, kept in this process while the site version stays the one the
    request's page was looked up under. For what pages are drawn from that changes
    only with a site bump (posts, categories, the discussion settings, the social
    applications: connect_site_invalidation): a request the page cache handles has
    read the version already, so the kept value costs no round trip and is never
    older than the last bump. Elsewhere (logged-in readers, no page cache),
    `compute()`.
    """
    version = getattr(request, "colophon_site_version", None)
    if version is None:
        return compute()
    key = (version, *what)
    if key not in _site_memo:
        if len(_site_memo) >= SITE_MEMO_ENTRIES:
            _site_memo.clear()
        _site_memo[key] = compute()
    return _site_memo[key]


def bump_post_discussion(post) -> None:
    """A post's comments changed: the discussion part of its page (the rest of the
    page stays cached) and its comment feeds."""
    url = post.get_absolute_url()
    bump_hole("discussion", url)
    bump_paths(f"{url}feed/", "/comments/feed/")


def bump_post_likes(post) -> None:
    """A post's likes changed: the likes part of its page only (the rest of the
    page and the comment thread stay cached)."""
    bump_hole("likes", post.get_absolute_url())


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
