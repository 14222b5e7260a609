"""The comment rate limit's counter (config.ratelimit): one increment per request
once the window's counter exists, created with its expiry when it does not."""

from __future__ import annotations

import pytest

from config import ratelimit
from config.ratelimit import Rate, hit


class RecordingCache:
    """A dict-backed cache that records the calls the rate limit makes."""

    def __init__(self):
        self.values: dict[str, int] = {}
        self.calls: list[tuple] = []

    def incr(self, key, delta=1):
        self.calls.append(("incr", key))
        if key not in self.values:
            raise ValueError(f"Key {key!r} not found.")
        self.values[key] += delta
        return self.values[key]

    def add(self, key, value, timeout=None):
        self.calls.append(("add", key, timeout))
        if key in self.values:
            return False
        self.values[key] = value
        return True

    def set(self, key, value, timeout=None):
        self.calls.append(("set", key, timeout))
        self.values[key] = value


@pytest.fixture
def recording(monkeypatch):
    cache = RecordingCache()
    monkeypatch.setattr(ratelimit, "cache", cache)
    return cache


def test_a_window_counts_each_request_once(recording):
    rate = Rate(3, 60)

    verdicts = [hit("comment", "ip:192.0.2.1", rate, now=1_000_000.0) for _ in "abcd"]

    assert [v.count for v in verdicts] == [1, 2, 3, 4]
    assert [v.allowed for v in verdicts] == [True, True, True, False]
    (key,) = recording.values
    # Created once, with an expiry just past the window; then only incremented.
    assert [call[0] for call in recording.calls] == ["incr", "add"] + ["incr"] * 3
    assert recording.calls[1] == ("add", key, 65)


def test_a_new_window_starts_a_new_counter(recording):
    rate = Rate(1, 60)

    first = hit("comment", "ip:192.0.2.1", rate, now=1_000_000.0)
    next_window = hit("comment", "ip:192.0.2.1", rate, now=1_000_060.0)

    assert (first.count, next_window.count) == (1, 1)
    assert len(recording.values) == 2


def test_a_counter_created_meanwhile_by_another_request_is_incremented(
    recording, monkeypatch
):
    key_holder = {}
    real_add = recording.add

    def add_after_a_rival(key, value, timeout=None):
        recording.values[key] = 1  # the rival request's counter
        key_holder["key"] = key
        return real_add(key, value, timeout)

    monkeypatch.setattr(recording, "add", add_after_a_rival)

    verdict = hit("comment", "ip:192.0.2.1", Rate(5, 60), now=1_000_000.0)

    assert verdict.count == 2
    assert recording.values[key_holder["key"]] == 2


def test_a_counter_that_vanishes_meanwhile_starts_again(recording, monkeypatch):
    monkeypatch.setattr(recording, "add", lambda key, value, timeout=None: False)

    verdict = hit("comment", "ip:192.0.2.1", Rate(5, 60), now=1_000_000.0)

    assert (verdict.count, verdict.allowed) == (1, True)
    assert recording.calls[-1][0] == "set"
    assert recording.calls[-1][2] == 65
