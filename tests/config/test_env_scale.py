"""Builders for running on several app servers: replicas, object storage, media URL."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import media_url, replica_configs, storage_config

ROOT = Path(__file__).resolve().parents[2]

S3_ENV = {
    "AWS_STORAGE_BUCKET_NAME": "colophon-media",
    "AWS_S3_ENDPOINT_URL": "http://minio:9000",
    "AWS_ACCESS_KEY_ID": "colophon",
    "AWS_SECRET_ACCESS_KEY": "not-a-real-secret",
    "AWS_S3_REGION_NAME": "eu-west-1",
}


def test_no_replica_urls_means_no_replica_aliases():
    assert replica_configs([]) == {}


def test_each_replica_url_becomes_an_alias_that_mirrors_default_in_tests():
    replicas = replica_configs(
        ["postgres://ro:pw@replica-a:5432/colophon", "postgres://ro:pw@replica-b/blog"]
    )

    assert list(replicas) == ["replica_1", "replica_2"]
    first, second = replicas["replica_1"], replicas["replica_2"]
    assert first["ENGINE"] == "django.db.backends.postgresql"
    assert (first["HOST"], first["NAME"], first["USER"]) == (
        "replica-a",
        "colophon",
        "ro",
    )
    assert (second["HOST"], second["NAME"]) == ("replica-b", "blog")
    assert first["TEST"] == {"MIRROR": "default"}
    assert first["CONN_MAX_AGE"] > 0
    assert first["CONN_HEALTH_CHECKS"] is True


def test_a_replica_must_be_postgres():
    with pytest.raises(ImproperlyConfigured, match="sqlite"):
        replica_configs(["sqlite:///var/copy.sqlite3"])


def test_no_bucket_means_local_files_under_media_root():
    config = storage_config({})

    assert config == {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def test_a_bucket_means_the_s3_backend_with_public_never_overwritten_files():
    config = storage_config(S3_ENV)

    assert config["BACKEND"] == "storages.backends.s3.S3Storage"
    options = config["OPTIONS"]
    assert options["bucket_name"] == "colophon-media"
    assert options["endpoint_url"] == "http://minio:9000"
    assert options["access_key"] == "colophon"
    assert options["secret_key"] == "not-a-real-secret"
    assert options["region_name"] == "eu-west-1"
    # A self-hosted store is addressed by path, not by a host name per bucket.
    assert options["addressing_style"] == "path"
    assert options["querystring_auth"] is False
    assert options["file_overwrite"] is False
    assert "custom_domain" not in options


def test_amazon_s3_without_endpoint_keeps_the_library_defaults():
    config = storage_config({"AWS_STORAGE_BUCKET_NAME": "blog-media"})

    options = config["OPTIONS"]
    assert "endpoint_url" not in options
    assert "addressing_style" not in options
    # Keys then come from boto3's own chain (environment, instance role).
    assert "access_key" not in options


def test_s3_options_accept_what_django_storages_accepts():
    from storages.backends.s3 import S3Storage

    storage = S3Storage(
        **storage_config(
            {
                **S3_ENV,
                "AWS_S3_CUSTOM_DOMAIN": "media.example.org",
                "AWS_QUERYSTRING_AUTH": "1",
            }
        )["OPTIONS"]
    )

    assert storage.bucket_name == "colophon-media"
    assert storage.querystring_auth is True
    assert storage.url("posts/a b.jpg") == "https://media.example.org/posts/a%20b.jpg"


def test_a_path_style_endpoint_serves_plain_urls():
    from storages.backends.s3 import S3Storage

    storage = S3Storage(**storage_config(S3_ENV)["OPTIONS"])

    assert storage.url("renditions/x-720w.jpg") == (
        "http://minio:9000/colophon-media/renditions/x-720w.jpg"
    )


def test_bad_boolean_is_refused():
    with pytest.raises(ImproperlyConfigured, match="AWS_QUERYSTRING_AUTH"):
        storage_config({**S3_ENV, "AWS_QUERYSTRING_AUTH": "maybe"})


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, "/media/"),
        ({"MEDIA_URL": "https://cdn.example.org/m"}, "https://cdn.example.org/m/"),
        (
            {**S3_ENV, "AWS_S3_CUSTOM_DOMAIN": "media.example.org/"},
            "https://media.example.org/",
        ),
        (
            {
                **S3_ENV,
                "AWS_S3_CUSTOM_DOMAIN": "localhost:8080/media",
                "AWS_S3_URL_PROTOCOL": "http:",
            },
            "http://localhost:8080/media/",
        ),
        # A custom domain without a bucket is not in use.
        ({"AWS_S3_CUSTOM_DOMAIN": "media.example.org"}, "/media/"),
    ],
)
def test_media_url(environ, expected):
    assert media_url(environ) == expected


SETTINGS_PROBE = """
import json, django
django.setup()
from django.conf import settings
print(json.dumps({
    "databases": {
        alias: {"host": db.get("HOST"), "mirror": db.get("TEST", {}).get("MIRROR")}
        for alias, db in settings.DATABASES.items()
    },
    "replicas": settings.COLOPHON_DATABASE_REPLICAS,
    "routers": settings.DATABASE_ROUTERS,
    "caches": [cache["BACKEND"] for cache in settings.CACHES.values()],
    "session_engine": settings.SESSION_ENGINE,
    "storage": settings.STORAGES["default"]["BACKEND"],
    "middleware": settings.MIDDLEWARE,
}))
"""


def test_production_settings_keep_no_state_in_process_memory():
    """With Redis, replicas and a bucket configured, nothing lives in one process."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("AWS_", "DJANGO_", "DATABASE_", "REDIS_"))
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_DEBUG": "0",
            "SECRET_KEY": "settings-probe-only-0123456789-abcdefghijklmnop",
            "DATABASE_URL": "postgres://colophon@primary:5432/colophon",
            "DATABASE_REPLICA_URLS": "postgres://colophon@replica:5432/colophon",
            "REDIS_URL": "redis://redis:6379/0",
            **S3_ENV,
        }
    )
    result = subprocess.run(
        [sys.executable, "-c", SETTINGS_PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout.strip().splitlines()[-1])

    assert probe["databases"]["default"]["host"] == "primary"
    assert probe["databases"]["replica_1"] == {
        "host": "replica",
        "mirror": "default",
    }
    assert probe["replicas"] == ["replica_1"]
    assert probe["routers"] == ["config.routers.PrimaryReplicaRouter"]
    assert not any("locmem" in backend.lower() for backend in probe["caches"])
    # Sessions in the shared database: valid on every app server.
    assert probe["session_engine"] == "config.sessions"
    assert probe["storage"] == "storages.backends.s3.S3Storage"
    middleware = probe["middleware"]
    assert middleware.index("config.replica.ReadReplicaMiddleware") < middleware.index(
        "django.contrib.sessions.middleware.SessionMiddleware"
    )
