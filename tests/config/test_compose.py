"""No Docker engine runs here, so docker-compose.yml is checked as data."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def load_compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def settings_variables():
    source = (ROOT / "config" / "settings.py").read_text()
    # Builders in config/env.py read some variables from the environment mapping.
    builders = (ROOT / "config" / "env.py").read_text()
    return (
        set(re.findall(r'env_(?:str|bool|int|list)\(\s*"([A-Z_]+)"', source))
        | set(re.findall(r'environ\.get\(\s*"([A-Z0-9_]+)"', builders))
        | {"SECRET_KEY", "DATABASE_URL", "REDIS_URL"}
    )


def test_compose_has_the_database_cache_and_web_services():
    services = load_compose()["services"]

    assert {"db", "redis", "web"} <= set(services)
    assert services["db"]["image"].startswith("postgres:16")
    assert "healthcheck" in services["db"]
    assert any(v.startswith("pgdata:") for v in services["db"]["volumes"])
    assert services["web"]["build"] == "."


def test_web_waits_for_a_healthy_database_and_migrates_at_start():
    web = load_compose()["services"]["web"]

    assert web["depends_on"]["db"]["condition"] == "service_healthy"
    assert "migrate" in web["command"]
    assert "gunicorn" in web["command"]


def test_every_compose_variable_is_one_the_settings_read():
    web_env = load_compose()["services"]["web"]["environment"]

    unknown = set(web_env) - settings_variables()
    assert not unknown, f"compose sets variables settings never read: {unknown}"
    assert web_env["DJANGO_DEBUG"] == "0"
    assert web_env["DATABASE_URL"].startswith("postgres://")
    assert web_env["REDIS_URL"].startswith("redis://")


def test_dockerfile_runs_as_non_root_and_collects_static_at_build():
    dockerfile = (ROOT / "Dockerfile").read_text()

    assert "collectstatic" in dockerfile
    assert re.search(r"^USER (?!root)\w+", dockerfile, re.MULTILINE)


# --- Profile "production": nginx, two app servers, replica, object storage -------

PRODUCTION_APPS = ("web-1", "web-2", "task-worker")


def production_services():
    services = load_compose()["services"]
    return {
        name: service
        for name, service in services.items()
        if "production" in service.get("profiles", [])
    }


def test_default_services_still_start_without_a_profile():
    services = load_compose()["services"]

    for name in ("db", "redis", "web", "worker"):
        assert "profiles" not in services[name], name


def test_production_profile_has_proxy_app_servers_worker_databases_and_storage():
    production = production_services()

    assert {
        "proxy",
        "web-1",
        "web-2",
        "task-worker",
        "pg-primary",
        "pg-replica",
        "minio",
        "minio-init",
        "migrate",
    } <= set(production)
    assert production["proxy"]["image"].startswith("nginx")
    assert "8080:80" in production["proxy"]["ports"]
    assert production["pg-primary"]["image"].startswith("postgres:16")
    assert production["pg-replica"]["image"].startswith("postgres:16")
    assert production["minio"]["image"].startswith("minio/minio")
    # Only the proxy is reachable from outside.
    published = [name for name, s in production.items() if s.get("ports")]
    assert published == ["proxy"]


def test_production_dependencies_exist_in_the_profile_or_always():
    services = load_compose()["services"]
    production = production_services()

    for name, service in production.items():
        for needed in service.get("depends_on", {}):
            assert needed in services, f"{name} needs unknown {needed}"
            profiles = services[needed].get("profiles")
            assert profiles is None or "production" in profiles, (name, needed)


def test_every_app_server_and_the_worker_share_one_database_cache_and_bucket():
    production = production_services()
    envs = [production[name]["environment"] for name in PRODUCTION_APPS]

    first = envs[0]
    assert all(env == first for env in envs)
    assert "@pg-primary:" in first["DATABASE_URL"]
    assert "@pg-replica:" in first["DATABASE_REPLICA_URLS"]
    assert first["REDIS_URL"].startswith("redis://redis:")
    assert first["AWS_STORAGE_BUCKET_NAME"]
    assert first["AWS_S3_ENDPOINT_URL"] == "http://minio:9000"
    assert first["DJANGO_DEBUG"] == "0"
    unknown = set(first) - settings_variables()
    assert not unknown, f"compose sets variables settings never read: {unknown}"


def test_migrations_run_once_before_the_app_servers_start():
    production = production_services()

    assert "migrate" in production["migrate"]["command"]
    for name in PRODUCTION_APPS:
        command = " ".join(production[name]["command"])
        assert "migrate" not in command, name
        assert (
            production[name]["depends_on"]["migrate"]["condition"]
            == "service_completed_successfully"
        )
    for name in ("web-1", "web-2"):
        assert production[name]["command"][0] == "gunicorn"
        assert "healthcheck" in production[name]
    assert production["task-worker"]["command"][-1] == "db_worker"


def test_the_replica_is_cloned_from_the_primary_and_streams():
    production = production_services()
    script = (ROOT / "deploy" / "postgres" / "replica.sh").read_text()
    init = (ROOT / "deploy" / "postgres" / "primary-init.sh").read_text()

    mounts = " ".join(production["pg-replica"]["volumes"])
    assert "./deploy/postgres/replica.sh:" in mounts
    assert "pg_basebackup" in script
    assert "--host=pg-primary" in script
    assert "--write-recovery-conf" in script
    assert "hot_standby=on" in script
    assert "REPLICATION" in init
    assert "host replication replicator" in init
    primary_mounts = " ".join(production["pg-primary"]["volumes"])
    assert "./deploy/postgres/primary-init.sh:/docker-entrypoint-initdb.d/" in (
        primary_mounts
    )
    assert (
        production["pg-replica"]["depends_on"]["pg-primary"]["condition"]
        == "service_healthy"
    )


def test_nginx_balances_both_app_servers_and_serves_media_from_the_bucket():
    production = production_services()
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    env = production["web-1"]["environment"]

    assert (
        "./deploy/nginx.conf:/etc/nginx/nginx.conf:ro" in production["proxy"]["volumes"]
    )
    upstream = re.search(r"upstream colophon_app \{(.*?)\}", conf, re.DOTALL).group(1)
    assert re.findall(r"server (web-\d):8000", upstream) == ["web-1", "web-2"]
    assert {"web-1", "web-2"} <= set(production["proxy"]["depends_on"])
    bucket = env["AWS_STORAGE_BUCKET_NAME"]
    assert f"/{bucket}/$1" in conf
    assert env["AWS_S3_CUSTOM_DOMAIN"].endswith("/media")
    # The client address is set, never appended to (no spoofing through nginx).
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in conf
    assert "$proxy_add_x_forwarded_for" not in conf
    # The bucket is made and opened for reading before anything uses it.
    init = " ".join(production["minio-init"]["entrypoint"])
    assert f"mc mb --ignore-existing local/{bucket}" in init
    assert f"mc anonymous set download local/{bucket}" in init
