import os

import pytest
from django.core.cache.backends.redis import RedisCache

from config.env import cache_config

REDIS_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def redis_cache():
    config = cache_config(REDIS_URL)
    cache = RedisCache(config["LOCATION"], {"KEY_PREFIX": "colophon-test"})
    try:
        cache.set("ping", "pong", 5)
    except Exception as exc:  # redis.exceptions.ConnectionError and kin
        if os.environ.get("CI"):
            raise
        pytest.skip(f"no Redis at {REDIS_URL} ({exc}); CI starts one")
    yield cache
    cache.clear()


def test_redis_url_gives_a_working_shared_cache(redis_cache):
    redis_cache.set("post:1:html", "<p>hello</p>", 30)

    assert redis_cache.get("post:1:html") == "<p>hello</p>"
    redis_cache.delete("post:1:html")
    assert redis_cache.get("post:1:html") is None
