from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import cache_config, database_config, env_bool, env_list


def test_no_database_url_means_sqlite_in_wal_mode(tmp_path):
    path = tmp_path / "var" / "site.sqlite3"

    config = database_config(None, sqlite_path=path)

    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == str(path)
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert path.parent.is_dir()


def test_postgres_url_means_persistent_checked_connections(tmp_path):
    config = database_config(
        "postgres://blog:pw@db.internal:5433/colophon", sqlite_path=tmp_path / "x"
    )

    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["HOST"], config["PORT"], config["NAME"]) == (
        "db.internal",
        5433,
        "colophon",
    )
    assert config["USER"] == "blog"
    assert config["CONN_MAX_AGE"] > 0
    assert config["CONN_HEALTH_CHECKS"] is True


def test_unknown_database_scheme_is_refused(tmp_path):
    with pytest.raises(ImproperlyConfigured, match="mysql"):
        database_config("mysql://x@y/z", sqlite_path=Path(tmp_path))


def test_no_redis_url_means_local_memory_cache():
    assert cache_config(None)["BACKEND"].endswith("LocMemCache")


def test_redis_url_means_djangos_redis_cache():
    config = cache_config("redis://127.0.0.1:6379/3")

    assert config["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert config["LOCATION"] == "redis://127.0.0.1:6379/3"


def test_booleans_accept_common_spellings_and_refuse_nonsense(monkeypatch):
    monkeypatch.setenv("FLAG", "yes")
    assert env_bool("FLAG") is True
    monkeypatch.setenv("FLAG", "0")
    assert env_bool("FLAG", True) is False
    monkeypatch.setenv("FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="FLAG"):
        env_bool("FLAG")


def test_lists_are_comma_separated(monkeypatch):
    monkeypatch.setenv("HOSTS", "example.com, www.example.com,,")
    assert env_list("HOSTS") == ["example.com", "www.example.com"]
