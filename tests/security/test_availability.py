"""A database or cache outage, in process: a 503 page, or pages without the cache.

tests/security/test_faults.py does the same against real servers it stops.
"""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

from config.cache_backends import ResilientRedisCache
from config.ratelimit import Rate, hit
from tests.factories import PostFactory


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def lost_database(tmp_path):
    """Point the connection at a database that cannot be reached, then back."""
    original = dict(connection.settings_dict)
    connection.close()
    if connection.vendor == "sqlite":
        connection.settings_dict["NAME"] = str(tmp_path / "missing" / "nowhere.db")
    else:
        connection.settings_dict["PORT"] = str(closed_port())
    yield
    connection.close()
    connection.settings_dict.clear()
    connection.settings_dict.update(original)


@pytest.mark.django_db(transaction=True)
def test_a_lost_database_is_a_503_page_in_the_site_s_look(client, lost_database):
    for url in ("/", "/2024/01/02/some-post/", "/?s=words", "/feed/"):
        response = client.get(url)

        assert response.status_code == 503, url
        page = response.content.decode()
        assert "Temporarily unavailable" in page
        assert 'class="site-header"' in page
        assert "Traceback" not in page
        assert response["Retry-After"] == "30"
        assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db(transaction=True)
def test_the_site_answers_again_when_the_database_is_back(client):
    post = PostFactory(title="Still here")
    original = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict["NAME" if connection.vendor == "sqlite" else "PORT"] = (
        "/nonexistent/dir/x.db" if connection.vendor == "sqlite" else str(closed_port())
    )
    try:
        down = client.get(post.get_absolute_url())
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(original)
    back = client.get(post.get_absolute_url())

    assert down.status_code == 503
    assert back.status_code == 200
    assert "Still here" in back.content.decode()


# --- The cache ---------------------------------------------------------------


@pytest.fixture
def dead_redis():
    cache = ResilientRedisCache(
        f"redis://127.0.0.1:{closed_port()}/0", {"KEY_PREFIX": "colophon-test"}
    )
    yield cache


def test_an_unreachable_redis_behaves_like_an_empty_cache(dead_redis, caplog):
    caplog.set_level(logging.WARNING, logger="config.cache_backends")

    assert dead_redis.get("page", "default") == "default"
    assert dead_redis.get_many(["a", "b"]) == {}
    assert dead_redis.set("page", "<p>hi</p>", 30) is None
    assert dead_redis.add("page", "<p>hi</p>", 30) is False
    assert dead_redis.delete("page") is False
    assert dead_redis.has_key("page") is False
    assert dead_redis.get_or_set("page", "computed", 30) == "computed"
    with pytest.raises(ValueError):
        dead_redis.incr("counter")
    # One warning for the outage, not one per call.
    warnings = [r for r in caplog.records if r.name == "config.cache_backends"]
    assert len(warnings) == 1
    assert "cache unavailable" in warnings[0].getMessage()


def test_after_a_failure_the_dead_server_is_not_asked_again_at_once(
    dead_redis, monkeypatch
):
    from django.core.cache.backends.redis import RedisCacheClient

    calls = []
    original = RedisCacheClient.get

    def counting(self, *args, **kwargs):
        calls.append(args)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(RedisCacheClient, "get", counting)
    for _ in range(20):
        dead_redis.get("page")

    assert len(calls) == 1


def test_rate_limits_let_requests_through_when_the_cache_is_down(
    dead_redis, monkeypatch
):
    from config import ratelimit

    monkeypatch.setattr(ratelimit, "cache", dead_redis)

    verdicts = [hit("comment", "ip:192.0.2.1", Rate(1, 60)) for _ in range(3)]

    assert all(v.allowed for v in verdicts)


def test_the_production_settings_use_the_resilient_backend():
    env = {
        **os.environ,
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "SECRET_KEY": "x" * 50,
        "DJANGO_DEBUG": "0",
    }
    script = "import config.settings as s; print(s.CACHES['default']['BACKEND'])"

    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )

    assert result.stdout.strip() == "config.cache_backends.ResilientRedisCache"
