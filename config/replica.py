"""Which database a request reads from: a read replica, or the primary.

With DATABASE_REPLICA_URLS set, anonymous reader requests (GET or HEAD, no session
cookie, no recent write) read from one replica, chosen once per request. Everything
else reads from the primary, so a visitor always sees their own writes:

- unsafe methods (POST, PUT, PATCH, DELETE) and everything after them in the request;
- any request with a session cookie: logged-in authors, editors and moderators, a
  guest whose held comment is shown only to them (the session lists it), and the
  session row itself, which a lagging replica might not have yet;
- for COLOPHON_REPLICA_PIN_SECONDS after an unsafe request, through a short-lived
  cookie, so the page a form redirects to shows what was just saved.

Outside a request (management commands, the task worker, the shell) every read goes
to the primary: a task enqueued right after a write must find the row.

The choice is a context variable, so it holds per thread (gunicorn's sync and
threaded workers) and per task (ASGI).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings

PIN_COOKIE = "colophon_primary"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

_read_alias: ContextVar[str | None] = ContextVar("colophon_read_alias", default=None)


def replica_aliases() -> list[str]:
    return list(getattr(settings, "COLOPHON_DATABASE_REPLICAS", []))


def pin_seconds() -> int:
    return getattr(settings, "COLOPHON_REPLICA_PIN_SECONDS", 15)


def read_alias() -> str | None:
    """The replica this request reads from, or None for the primary."""
    return _read_alias.get()


@contextmanager
def reading_from(alias: str | None) -> Iterator[None]:
    """Read from `alias` (None: the primary) inside the block."""
    token = _read_alias.set(alias)
    try:
        yield
    finally:
        _read_alias.reset(token)


def is_pinned(request) -> bool:
    """Whether this request must read from the primary (see the module docstring)."""
    if request.method not in SAFE_METHODS:
        return True
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return True
    return PIN_COOKIE in request.COOKIES


class ReadReplicaMiddleware:
    """Send an anonymous request's reads to a replica; pin the rest to the primary."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        replicas = replica_aliases()
        if not replicas:
            return self.get_response(request)
        alias = None if is_pinned(request) else random.choice(replicas)
        request.colophon_read_alias = alias or "default"
        with reading_from(alias):
            response = self.get_response(request)
        if request.method not in SAFE_METHODS and pin_seconds() > 0:
            # Long enough for a replica to catch up; the next pages read the
            # primary meanwhile. Only a marker: it carries no data.
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=pin_seconds(),
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
