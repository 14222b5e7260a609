"""A Redis cache whose outage costs speed, never pages.

Everything Colophon keeps in the cache (pages, settings, counters) can be rebuilt
from the database, so a cache that cannot be reached is treated as empty: reads
miss, writes are dropped, and a warning is logged. After a failure the cache is
left alone for a couple of seconds (per process), so requests do not each wait on
a dead server; then it is tried again and used as soon as it answers.
"""

from __future__ import annotations

import logging
import threading
import time
from functools import wraps

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)
# Seconds to skip the cache after it failed to answer.
RETRY_AFTER_SECONDS = 2.0
# Socket timeouts (seconds) unless the OPTIONS setting gives its own.
DEFAULT_TIMEOUTS = {"socket_connect_timeout": 1.0, "socket_timeout": 1.0}


class _Breaker:
    def __init__(self):
        self.down_until = 0.0
        self.lock = threading.Lock()

    def is_open(self) -> bool:
        return time.monotonic() < self.down_until

    def trip(self, operation: str, error: BaseException) -> None:
        with self.lock:
            was_up = not self.is_open()
            self.down_until = time.monotonic() + RETRY_AFTER_SECONDS
        if was_up:
            logger.warning(
                "cache unavailable (%s: %s); serving without it", operation, error
            )


def _fallback(default_factory):
    """Run the Redis operation; on an outage return `default_factory(*args)`."""

    def decorator(method):
        @wraps(method)
        def wrapped(self, *args, **kwargs):
            if self._breaker.is_open():
                return default_factory(*args, **kwargs)
            try:
                return method(self, *args, **kwargs)
            except UNREACHABLE as error:
                self._breaker.trip(method.__name__, error)
                return default_factory(*args, **kwargs)

        return wrapped

    return decorator


def _missing_counter(*args, **kwargs):
    raise ValueError("cache unavailable: counter not found")


class SharedClientRedisCacheClient(RedisCacheClient):
    """Django's client, keeping one redis.Redis per connection pool.

    Django builds a new redis.Redis for every cache call; setting one up costs more
    than a GET on this machine (it fills a table of ~170 response callbacks). A
    redis.Redis is safe to share between threads: each command borrows a
    connection from the pool.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:
            client = self._clients[pool] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    """Django's RedisCache, but an unreachable server behaves like an empty cache."""

    def __init__(self, server, params):
        params = dict(params)
        params["OPTIONS"] = {**DEFAULT_TIMEOUTS, **params.get("OPTIONS", {})}
        super().__init__(server, params)
        self._class = SharedClientRedisCacheClient
        self._breaker = _Breaker()

    @_fallback(lambda key, default=None, *a, **k: default)
    def get(self, key, default=None, version=None):
        return super().get(key, default, version)

    @_fallback(lambda *a, **k: {})
    def get_many(self, keys, version=None):
        return super().get_many(keys, version)

    @_fallback(lambda *a, **k: False)
    def has_key(self, key, version=None):
        return super().has_key(key, version)

    @_fallback(lambda *a, **k: None)
    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return super().set(key, value, timeout, version)

    @_fallback(lambda *a, **k: False)
    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return super().add(key, value, timeout, version)

    @_fallback(lambda *a, **k: False)
    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return super().touch(key, timeout, version)

    @_fallback(lambda data, *a, **k: list(data))
    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return super().set_many(data, timeout, version)

    @_fallback(lambda *a, **k: False)
    def delete(self, key, version=None):
        return super().delete(key, version)

    @_fallback(lambda *a, **k: None)
    def delete_many(self, keys, version=None):
        return super().delete_many(keys, version)

    # A counter that cannot be read is missing, as Django's API says for incr().
    @_fallback(_missing_counter)
    def incr(self, key, delta=1, version=None):
        return super().incr(key, delta, version)

    @_fallback(lambda *a, **k: False)
    def clear(self):
        return super().clear()
