"""Typed readers for environment variables and pure builders for settings dicts.

Settings call these; tests call the builders directly with example URLs.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name} must be a boolean (1/0, true/false), got {raw!r}"
    )


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from None


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


def sqlite_config(path: Path) -> dict[str, Any]:
    """An SQLite database at `path` in WAL mode, its folder created on demand."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        "OPTIONS": {
            # WAL lets readers proceed while a writer commits; IMMEDIATE takes the
            # write lock up front so concurrent writers wait instead of failing.
            "init_command": (
                "PRAGMA journal_mode=WAL;"
                "PRAGMA synchronous=NORMAL;"
                "PRAGMA busy_timeout=5000;"
            ),
            "transaction_mode": "IMMEDIATE",
        },
        # A file, not memory, for tests: live-server threads and fault tests need
        # a database that survives its connection being closed.
        "TEST": {"NAME": str(path.with_name(f"test_{path.name}"))},
    }


def database_config(url: str | None, *, sqlite_path: Path) -> dict[str, Any]:
    """Database settings from DATABASE_URL, or the embedded SQLite file when unset."""
    if not url:
        return sqlite_config(sqlite_path)
    scheme = urlsplit(url).scheme
    if scheme in {"postgres", "postgresql", "pgsql"}:
        return dj_database_url.parse(url, conn_max_age=600, conn_health_checks=True)
    if scheme == "sqlite":
        config = dj_database_url.parse(url)
        return sqlite_config(Path(config["NAME"])) if config["NAME"] else config
    raise ImproperlyConfigured(
        f"DATABASE_URL scheme {scheme!r} is not supported (use postgres:// or sqlite://)"
    )


def cache_config(url: str | None) -> dict[str, Any]:
    """Cache settings: Django's Redis backend for REDIS_URL, else local memory."""
    if not url:
        return {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "colophon",
        }
    scheme = urlsplit(url).scheme
    if scheme not in {"redis", "rediss", "unix"}:
        raise ImproperlyConfigured(f"REDIS_URL scheme {scheme!r} is not supported")
    return {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": url,
        "KEY_PREFIX": "colophon",
        "TIMEOUT": 300,
    }


def require_secret_key(*, debug: bool) -> str:
    """SECRET_KEY from the environment; only debug mode may fall back to a dev key."""
    key = os.environ.get("SECRET_KEY", "").strip()
    if key:
        return key
    if debug:
        return "django-insecure-development-only-key-never-use-in-production"
    raise ImproperlyConfigured(
        "SECRET_KEY is not set: set it in the environment "
        "(or DJANGO_DEBUG=1 for development)."
    )


def social_providers(environ: dict[str, str]) -> dict[str, Any]:
    """allauth provider settings for the networks whose keys are in the environment.

    A network without keys here may still be configured as a social application in
    the admin; one configured nowhere shows no icon.
    """
    providers: dict[str, Any] = {
        "twitter_oauth2": {"SCOPE": ["users.read", "tweet.read"]},
        "facebook": {
            "METHOD": "oauth2",
            "SCOPE": ["public_profile"],
            "FIELDS": ["id", "name", "link", "picture"],
        },
    }
    keys = {
        "twitter_oauth2": ("TWITTER_CLIENT_ID", "TWITTER_CLIENT_SECRET"),
        "facebook": ("FACEBOOK_APP_ID", "FACEBOOK_APP_SECRET"),
    }
    for provider, (id_name, secret_name) in keys.items():
        client_id = environ.get(id_name, "").strip()
        secret = environ.get(secret_name, "").strip()
        if client_id and secret:
            providers[provider]["APPS"] = [{"client_id": client_id, "secret": secret}]
    return providers


def replica_configs(urls: list[str]) -> dict[str, dict[str, Any]]:
    """Read-replica aliases (`replica_1`, `replica_2`, …) from DATABASE_REPLICA_URLS.

    In tests each alias mirrors the default database, so no replica is needed.
    """
    replicas: dict[str, dict[str, Any]] = {}
    for number, url in enumerate(urls, start=1):
        scheme = urlsplit(url).scheme
        if scheme not in {"postgres", "postgresql", "pgsql"}:
            raise ImproperlyConfigured(
                f"DATABASE_REPLICA_URLS must be postgres:// URLs, got {scheme!r}"
            )
        config = dj_database_url.parse(url, conn_max_age=600, conn_health_checks=True)
        config["TEST"] = {"MIRROR": "default"}
        replicas[f"replica_{number}"] = config
    return replicas


def storage_config(environ: Mapping[str, str]) -> dict[str, Any]:
    """STORAGES["default"] (uploaded media): local files, or S3 with a bucket name.

    AWS_STORAGE_BUCKET_NAME switches to django-storages' S3 backend, which talks to
    Amazon S3 or any S3-compatible store (MinIO, Ceph, R2…) at AWS_S3_ENDPOINT_URL.
    """
    bucket = environ.get("AWS_STORAGE_BUCKET_NAME", "").strip()
    if not bucket:
        # MEDIA_ROOT and MEDIA_URL, read when used (tests change them).
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    endpoint = environ.get("AWS_S3_ENDPOINT_URL", "").strip() or None
    options: dict[str, Any] = {
        "bucket_name": bucket,
        "endpoint_url": endpoint,
        "access_key": environ.get("AWS_ACCESS_KEY_ID", "").strip() or None,
        "secret_key": environ.get("AWS_SECRET_ACCESS_KEY", "").strip() or None,
        "region_name": environ.get("AWS_S3_REGION_NAME", "").strip() or None,
        "custom_domain": environ.get("AWS_S3_CUSTOM_DOMAIN", "").strip() or None,
        "url_protocol": environ.get("AWS_S3_URL_PROTOCOL", "").strip() or "https:",
        # Self-hosted stores answer at one host name, not one per bucket.
        "addressing_style": environ.get("AWS_S3_ADDRESSING_STYLE", "").strip()
        or ("path" if endpoint else None),
        "signature_version": "s3v4",
        # Featured images and avatars are public: plain URLs that browsers, the
        # page cache and a CDN can keep, instead of signed ones that expire.
        "querystring_auth": _bool_from(environ, "AWS_QUERYSTRING_AUTH", False),
        "default_acl": environ.get("AWS_DEFAULT_ACL", "").strip() or None,
        # Two uploads named alike must never replace each other's file (or a
        # rendition another post still shows); the storage picks a free name.
        "file_overwrite": False,
        "object_parameters": {"CacheControl": "public, max-age=86400"},
    }
    # Unset options keep django-storages' defaults (and boto3's credential chain).
    options = {name: value for name, value in options.items() if value is not None}
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


def media_url(environ: Mapping[str, str]) -> str:
    """MEDIA_URL: as set, else the S3 custom domain, else /media/."""
    explicit = environ.get("MEDIA_URL", "").strip()
    if explicit:
        return explicit if explicit.endswith("/") else f"{explicit}/"
    domain = environ.get("AWS_S3_CUSTOM_DOMAIN", "").strip()
    if domain and environ.get("AWS_STORAGE_BUCKET_NAME", "").strip():
        protocol = environ.get("AWS_S3_URL_PROTOCOL", "").strip() or "https:"
        return f"{protocol}//{domain.rstrip('/')}/"
    return "/media/"


def _bool_from(environ: Mapping[str, str], name: str, default: bool) -> bool:
    raw = environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name} must be a boolean (1/0, true/false), got {raw!r}"
    )
