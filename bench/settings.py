"""Production settings with the shared cache made to miss, for `make bench` only.

Everything comes from config.settings (and so from the same environment); the one
difference is the cache backend: bench.cold_cache.ColdCache wraps the Redis backend
config.settings chose.
"""

from config.env import env_str
from config.settings import *  # noqa: F403
from config.settings import CACHES

if not env_str("REDIS_URL"):
    raise RuntimeError("bench.settings needs REDIS_URL: the cold cache wraps Redis")

COLOPHON_BENCH_WRAPPED_CACHE = CACHES["default"]["BACKEND"]
CACHES = {
    **CACHES,
    "default": {**CACHES["default"], "BACKEND": "bench.cold_cache.ColdCache"},
}
COLOPHON_BENCH_MISS_KEYS = env_str("COLOPHON_BENCH_MISS_KEYS", "")
