"""No Docker engine runs here, so docker-compose.yml is checked as data."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def load_compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def settings_variables():
    source = (ROOT / "config" / "settings.py").read_text()
    return set(re.findall(r'env_(?:str|bool|int|list)\(\s*"([A-Z_]+)"', source)) | {
        "SECRET_KEY",
        "DATABASE_URL",
        "REDIS_URL",
    }


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
