"""Fixed-window request limits kept in the shared cache (Redis in production).

Every app server counts in the same cache, so a limit holds across servers. A
window is `period` seconds; its counter is grown with `cache.incr` and created with
`cache.add` when missing, both atomic in Redis and in the local-memory cache. When
the cache cannot be reached the request is let through: a limit protects the site,
it must not take it down.

Limits are settings (COLOPHON_RATE_LIMITS), written like "10/m": a number of
requests per second (s), minute (m), hour (h) or day (d), optionally with a
multiple ("20/5m"). An empty or "0" rate switches a limit off.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache, wraps

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Rate:
    limit: int
    period: int  # seconds

    @classmethod
    def parse(cls, value: str | None) -> Rate | None:
        """A rate from "N/unit" or "N/Kunit"; None when the limit is off."""
        if not value or str(value).strip() in ("", "0"):
            return None
        match = _RATE.match(str(value))
        if match is None:
            raise ValueError(f"not a rate: {value!r} (use e.g. '10/m' or '20/5m')")
        limit, multiple, unit = match.groups()
        return cls(int(limit), int(multiple or 1) * _UNIT_SECONDS[unit])


def rate_for(scope: str) -> Rate | None:
    return Rate.parse(getattr(settings, "COLOPHON_RATE_LIMITS", {}).get(scope))


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    count: int
    retry_after: int  # seconds until the window ends


def hit(scope: str, key: str, rate: Rate, *, now: float | None = None) -> Verdict:
    """Count one request for `key` in `scope`; allowed while the count is in limit."""
    now = time.time() if now is None else now
    window = int(now // rate.period)
    retry_after = max(1, int((window + 1) * rate.period - now))
    digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    cache_key = f"rl:{scope}:{rate.period}:{window}:{digest}"
    try:
        count = _count(cache_key, timeout=rate.period + 5)
    except Exception:  # a cache outage must not take the site down
        logger.warning("rate limit %s not checked: cache unavailable", scope)
        return Verdict(True, 0, 0)
    return Verdict(count <= rate.limit, count, retry_after)


def _count(cache_key: str, *, timeout: int) -> int:
    """Add one to a window's counter and return it.

    Most requests find their window's counter already there, so it is incremented
    first (Django's Redis incr: two round trips) and created only when missing;
    creating first would cost a third round trip on every request but the first.
    The counter outlives its window a little, so a late incr never finds it gone;
    a new window is a new key.
    """
    try:
        return cache.incr(cache_key)
    except ValueError:
        pass
    if cache.add(cache_key, 1, timeout=timeout):
        return 1
    try:
        # Another request created it in between.
        return cache.incr(cache_key)
    except ValueError:
        # Expired (or evicted, or the cache is down) in between: start again.
        cache.set(cache_key, 1, timeout=timeout)
        return 1


@lru_cache(maxsize=8)
def _networks(values: tuple[str, ...]) -> list:
    try:
        return [ipaddress.ip_network(value, strict=False) for value in values]
    except ValueError as exc:
        raise ImproperlyConfigured(f"COLOPHON_TRUSTED_PROXIES: {exc}") from None


def _address(value: str):
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def client_address(request: HttpRequest) -> str | None:
    """The reader's IP address, or None when it is not known.

    REMOTE_ADDR, unless it is one of COLOPHON_TRUSTED_PROXIES (addresses or networks
    of the reverse proxies in front of the app): then the nearest address in
    X-Forwarded-For that is not a trusted proxy. A header a client wrote itself is
    never believed, because only a trusted proxy's word is read.
    """
    remote = _address(request.META.get("REMOTE_ADDR", ""))
    if remote is None:
        return None
    trusted = _networks(tuple(getattr(settings, "COLOPHON_TRUSTED_PROXIES", ())))
    if not trusted:
        return str(remote)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop for hop in forwarded.split(",") if hop.strip()]
    address = remote
    while any(address in network for network in trusted) and hops:
        previous = _address(hops.pop())
        if previous is None:
            break
        address = previous
    return str(address)


def client_ip(request: HttpRequest) -> str:
    return client_address(request) or "unknown"


def ip_key(request: HttpRequest) -> str:
    return f"ip:{client_ip(request)}"


def too_many_requests(request: HttpRequest, verdict: Verdict) -> HttpResponse:
    """429: JSON for scripts, a page in the site's look for people."""
    message = _("You are doing that too often. Please wait a minute and try again.")
    if "application/json" in request.headers.get("Accept", ""):
        response: HttpResponse = JsonResponse(
            {"error": "rate_limited", "message": message}, status=429
        )
    else:
        response = HttpResponse(
            render_to_string("429.html", {"message": message}, request=request),
            status=429,
        )
    response["Retry-After"] = str(verdict.retry_after)
    return response


def ratelimit(
    scope: str,
    *,
    key: Callable[[HttpRequest], str] = ip_key,
    methods: tuple[str, ...] = ("POST",),
    on_limited: Callable[..., HttpResponse] | None = None,
):
    """Limit a view to COLOPHON_RATE_LIMITS[scope] requests per `key` and window.

    Only `methods` count. Over the limit the view does not run: `on_limited(request,
    *args, verdict=..., **kwargs)` answers if given, else a 429 page (or JSON).
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            rate = rate_for(scope) if request.method in methods else None
            if rate is not None:
                verdict = hit(scope, key(request), rate)
                if not verdict.allowed:
                    logger.warning(
                        "rate limit %s reached by %s", scope, client_ip(request)
                    )
                    if on_limited is not None:
                        return on_limited(request, *args, verdict=verdict, **kwargs)
                    return too_many_requests(request, verdict)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
