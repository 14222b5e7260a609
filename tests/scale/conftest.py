"""Several app servers on this machine: gunicorn processes, ports, shared services.

Everything listens on 127.0.0.1 only, on ports the kernel hands out.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.conftest import reseed_data_migrations

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
SECRET_KEY = "scale-tests-only-secret-key-0123456789-abcdefghijklmnop"
REDIS_URL = "redis://127.0.0.1:6379/13"
PASSWORD = "correct horse battery staple"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(check, *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(Exception):
            if check():
                return
        time.sleep(0.2)
    raise TimeoutError(f"{what} not ready after {timeout:.0f} s")


def production_env(**overrides: str) -> dict[str, str]:
    """The environment of a production app server (debug off), for this machine."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key == "COLOPHON_VAR_DIR"
        or (
            not key.startswith(("DJANGO_", "DATABASE_", "REDIS_", "AWS_", "COLOPHON_"))
            and key not in {"SECRET_KEY", "PYTEST_CURRENT_TEST"}
        )
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_DEBUG": "0",
            "SECRET_KEY": SECRET_KEY,
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "SESSION_COOKIE_SECURE": "0",
            "CSRF_COOKIE_SECURE": "0",
            "SECURE_HSTS_SECONDS": "0",
            "COLOPHON_COMMENT_MIN_SECONDS": "0",
            "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
            # Tasks (mail, renditions) wait in the database for a worker.
            "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
            "LOG_LEVEL": "WARNING",
        }
    )
    env.update(overrides)
    return env


def run_manage(*args: str, env: dict[str, str], timeout: float = 120) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
        )
    return result.stdout


class AppServer:
    """One gunicorn instance (its own process, its own memory) on a free port."""

    def __init__(self, name: str, env: dict[str, str], log_dir: Path):
        self.name = name
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log_dir / f"gunicorn-{name}.log"
        self.process: subprocess.Popen | None = None
        self.env = env

    def start(self) -> AppServer:
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [
                    str(GUNICORN),
                    "config.wsgi:application",
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    "--workers",
                    "2",
                    "--timeout",
                    "60",
                    "--access-logfile",
                    "-",
                ],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_for(self._healthy, timeout=30, what=f"gunicorn {self.name}")
        return self

    def _healthy(self) -> bool:
        if self.process.poll() is not None:
            raise RuntimeError(f"gunicorn {self.name} exited:\n{self.log.read_text()}")
        return requests.get(f"{self.url}/healthz", timeout=2).status_code == 200

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        # SIGINT: gunicorn's quick shutdown; a test has no requests left to finish.
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)


@pytest.fixture
def app_servers(tmp_path):
    """Start gunicorn instances with `start(name, env)`; all stopped after the test."""
    servers: list[AppServer] = []

    def start(name: str, env: dict[str, str]) -> AppServer:
        server = AppServer(name, env, tmp_path)
        servers.append(server)
        return server.start()

    yield start
    for server in servers:
        server.stop()


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory):
    """STATIC_ROOT with the hashed files and manifest production settings serve."""
    static_root = tmp_path_factory.mktemp("static")
    run_manage(
        "collectstatic",
        "--no-input",
        env=production_env(STATIC_ROOT=str(static_root)),
    )
    return static_root


@pytest.fixture
def seeded_roles(transactional_db):
    """The roles data migrations seed, which a transactional test's flush removed."""
    reseed_data_migrations()


def hidden_inputs(html: str, form_id: str | None = None) -> dict[str, str]:
    """The hidden fields of a form (the first on the page, or the one `form_id`)."""
    if form_id:
        match = re.search(
            rf'<form[^>]*id="{form_id}".*?</form>', html, re.DOTALL | re.IGNORECASE
        )
        assert match, f"no form #{form_id} on the page"
        html = match.group(0)
    fields = {}
    for tag in re.findall(r"<input[^>]*>", html):
        if 'type="hidden"' not in tag:
            continue
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name:
            fields.setdefault(name.group(1), value.group(1) if value else "")
    return fields


def production_password(user) -> None:
    """A password the production hashers verify (tests hash with MD5 only)."""
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    hasher = PBKDF2PasswordHasher()
    # Few iterations keep the test fast; the server upgrades it on log-in.
    user.password = hasher.encode(PASSWORD, hasher.salt(), iterations=1000)
    user.save(update_fields=["password"])


def admin_login(session: requests.Session, base_url: str, username: str) -> None:
    """Log in through /admin/login/ as a browser would (CSRF cookie and field)."""
    page = session.get(f"{base_url}/admin/login/", timeout=10)
    assert page.status_code == 200
    token = hidden_inputs(page.text)["csrfmiddlewaretoken"]
    response = session.post(
        f"{base_url}/admin/login/?next=/admin/",
        data={
            "csrfmiddlewaretoken": token,
            "username": username,
            "password": PASSWORD,
            "next": "/admin/",
        },
        timeout=10,
        allow_redirects=False,
    )
    assert response.status_code == 302, response.text[:2000]
    assert "sessionid" in session.cookies
