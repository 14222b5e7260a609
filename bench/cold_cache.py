"""A cache that never finds what it is asked for: "every cache cold", on demand.

`make bench` serves the cold measurements with this backend (see bench/settings.py).
It wraps the backend the production settings chose (COLOPHON_BENCH_WRAPPED_CACHE),
and every call still goes to Redis, so a cold request pays what it pays in
production: the lookups (a real round trip each, then thrown away) and the writes of
whatever it rendered. Only reads of keys matching COLOPHON_BENCH_MISS_KEYS (a regular
expression on the key the code asks for; empty means every key) become misses.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.utils.module_loading import import_string


class ColdReadsMixin:
    def __init__(self, server, params):
        super().__init__(server, params)
        pattern = getattr(settings, "COLOPHON_BENCH_MISS_KEYS", "") or ".*"
        self._miss = re.compile(pattern)

    def _misses(self, key) -> bool:
        return bool(self._miss.search(str(key)))

    def get(self, key, default=None, version=None):
        value = super().get(key, default, version)
        return default if self._misses(key) else value

    def get_many(self, keys, version=None):
        found = super().get_many(keys, version)
        return {key: value for key, value in found.items() if not self._misses(key)}

    def has_key(self, key, version=None):
        present = super().has_key(key, version)
        return present and not self._misses(key)


ColdCache = type(
    "ColdCache",
    (ColdReadsMixin, import_string(settings.COLOPHON_BENCH_WRAPPED_CACHE)),
    {"__module__": __name__},
)
