"""Real outages: a private PostgreSQL and Redis, stopped and started under gunicorn.

The servers stopped here are the ones these tests start: a PostgreSQL cluster in a
temporary folder (run as the `postgres` user, so root is needed) and a redis-server,
each on a free loopback port, and a gunicorn with the production settings in front
of them. Nothing else on the machine is touched.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

pytestmark = pytest.mark.faults

BASE_DIR = Path(__file__).resolve().parents[2]
PG_BIN = Path(os.environ.get("COLOPHON_PG_BIN", "/usr/lib/postgresql/15/bin"))
REDIS_SERVER = shutil.which("redis-server")
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
CSRF_SECRET = "f" * 32


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(check, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except Exception:  # noqa: S110 - not up yet
            pass
        time.sleep(0.1)
    raise TimeoutError(f"{what} did not happen within {timeout} s")


def needs_root_and_postgres():
    if os.geteuid() != 0:
        pytest.skip("fault tests run PostgreSQL as the postgres user: needs root")
    if not (PG_BIN / "initdb").exists() or not (PG_BIN / "pg_ctl").exists():
        pytest.skip(f"PostgreSQL server binaries not found in {PG_BIN}")
    if shutil.which("runuser") is None:
        pytest.skip("runuser is needed to start PostgreSQL as the postgres user")


class PrivatePostgres:
    """A throw-away cluster owned by the postgres user, in a temporary folder."""

    def __init__(self):
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="colophon-faults-pg-"))
        shutil.chown(self.dir, "postgres", "postgres")
        self.data = self.dir / "data"
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/colophon_faults"

    def _as_postgres(self, *args: str) -> None:
        subprocess.run(
            ["runuser", "-u", "postgres", "--", *args],
            check=True,
            capture_output=True,
            timeout=120,
        )

    def init(self) -> None:
        self._as_postgres(
            str(PG_BIN / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "--no-sync",
        )
        self.start()
        subprocess.run(
            [
                "psql",
                "-q",
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                "postgres",
                "-c",
                "CREATE DATABASE colophon_faults",
            ],
            check=True,
            capture_output=True,
            timeout=60,
        )

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        )
        self._as_postgres(
            str(PG_BIN / "pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.dir / "log"),
            "-w",
            "start",
        )

    def stop(self) -> None:
        self._as_postgres(
            str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop"
        )

    def destroy(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
            self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


class PrivateRedis:
    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - our own test server
            [
                REDIS_SERVER,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self._answers, 10, "redis start")

    def _answers(self) -> bool:
        with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


@dataclass
class Site:
    url: str
    postgres: PrivatePostgres
    redis: PrivateRedis
    post_path: str
    post_id: int
    env: dict = field(default_factory=dict)
    # Signed comment-form tokens, made with the site's key.
    tokens: list = field(default_factory=list)

    def get(self, path: str, **kwargs) -> requests.Response:
        return requests.get(f"{self.url}{path}", timeout=15, **kwargs)

    def comment(self, text: str, email: str) -> requests.Response:
        session = requests.Session()
        session.cookies.set("csrftoken", CSRF_SECRET)
        token = self.tokens.pop()
        return session.post(
            f"{self.url}/comments/post/{self.post_id}/",
            data={
                "comment": text,
                "name": "Fault Tester",
                "email": email,
                "security": token,
            },
            headers={"X-CSRFToken": CSRF_SECRET},
            allow_redirects=False,
            timeout=15,
        )


def manage(env: dict, *args: str, stdin: str | None = None) -> str:
    result = subprocess.run(  # noqa: S603 - our own manage.py
        [PYTHON, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr}")
    return result.stdout


SETUP_SCRIPT = """
from django.utils import timezone
from accounts.models import User
from blog.models import Post
from comments.forms import security_token
from comments.models import CommentSettings
author = User.objects.create(username="faults", is_staff=True)
post = Post.objects.create(
    title="Outage report", body="Still readable.", author=author,
    status=Post.Status.PUBLISHED, published_at=timezone.now(),
)
discussion = CommentSettings.load()
discussion.flood_seconds = 0
discussion.save()
print(post.pk, post.get_absolute_url())
for _ in range(40):
    print(security_token(post.pk))
"""


@pytest.fixture(scope="module")
def site():
    needs_root_and_postgres()
    if REDIS_SERVER is None:
        pytest.skip("redis-server not found")
    postgres, redis = PrivatePostgres(), PrivateRedis()
    gunicorn = None
    var = Path(tempfile.mkdtemp(prefix="colophon-faults-var-"))
    try:
        postgres.init()
        redis.start()
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_DEBUG": "0",
            "SECRET_KEY": "faults-test-secret-key-0123456789abcdefghijklmnopqrstuv",
            "SECURE_SSL_REDIRECT": "0",
            "SESSION_COOKIE_SECURE": "0",
            "CSRF_COOKIE_SECURE": "0",
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": postgres.url,
            "REDIS_URL": redis.url,
            "COLOPHON_VAR_DIR": str(var),
            "STATIC_ROOT": str(var / "static"),
            "COLOPHON_RATE_LIMIT_COMMENT": "0",
            # The form tokens are made before gunicorn starts: no "too quick".
            "COLOPHON_COMMENT_MIN_SECONDS": "0",
            "LOG_LEVEL": "WARNING",
        }
        manage(env, "migrate", "--no-input")
        manage(env, "collectstatic", "--no-input")
        lines = manage(env, "shell", "-v", "0", stdin=SETUP_SCRIPT).split()
        post_id, post_path, tokens = int(lines[0]), lines[1], lines[2:]
        port = free_port()
        gunicorn = subprocess.Popen(  # noqa: S603 - our own app server
            [
                GUNICORN,
                "config.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--timeout",
                "30",
                "--graceful-timeout",
                "5",
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        url = f"http://127.0.0.1:{port}"
        wait_for(
            lambda: requests.get(f"{url}/healthz", timeout=2).status_code == 200,
            30,
            "gunicorn start",
        )
        yield Site(
            url=url,
            postgres=postgres,
            redis=redis,
            post_path=post_path,
            post_id=post_id,
            env=env,
            tokens=tokens,
        )
    finally:
        if gunicorn is not None:
            gunicorn.terminate()
            gunicorn.wait(timeout=15)
        redis.stop()
        postgres.destroy()
        shutil.rmtree(var, ignore_errors=True)


class Stream:
    """Readers asking for pages all the time, in a background thread."""

    def __init__(self, site: Site, paths):
        self.site = site
        self.paths = paths
        self.answers: list[tuple[float, str, int, str]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._n = 0

    def _run(self):
        while not self._stop.is_set():
            for path in self.paths:
                self._n += 1
                # A unique query string: the page cache cannot answer for the database.
                separator = "&" if "?" in path else "?"
                full = f"{path}{separator}n={self._n}" if path != "/healthz" else path
                try:
                    response = self.site.get(full)
                    self.answers.append(
                        (time.monotonic(), path, response.status_code, response.text)
                    )
                except requests.RequestException as exc:
                    self.answers.append((time.monotonic(), path, 0, str(exc)))
            time.sleep(0.05)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=30)

    def since(self, moment: float):
        return [a for a in self.answers if a[0] >= moment]


def accepted(response) -> bool:
    return response.status_code == 302 and "#comment-" in response.headers["Location"]


def test_a_database_outage_gives_503_pages_and_the_site_recovers_alone(site):
    paths = ["/", site.post_path, "/?s=outage", "/healthz"]
    sent_before = site.comment("Before the outage.", "before@example.net")
    assert accepted(sent_before)

    with Stream(site, paths) as stream:
        time.sleep(1)
        site.postgres.stop()
        stopped_at = time.monotonic()
        time.sleep(2)
        during = site.comment("During the outage.", "during@example.net")
        outage = stream.since(stopped_at + 0.5)
        site.postgres.start()
        started_at = time.monotonic()
        wait_for(
            lambda: site.get("/healthz").status_code == 200, 30, "recovery by itself"
        )
        time.sleep(1)
        after = stream.since(time.monotonic() - 0.5)

    sent_after = site.comment("After the outage.", "after@example.net")

    assert outage, "no request was made during the outage"
    assert all(status != 500 for _t, _p, status, _b in stream.answers)
    for _when, path, status, body in outage:
        assert status == 503, (path, status)
        if path != "/healthz":
            assert "Temporarily unavailable" in body
            assert 'class="site-header"' in body
            assert "Traceback" not in body
    assert during.status_code == 503
    assert time.monotonic() - started_at < 30
    assert after and all(status == 200 for _t, _p, status, _b in after)
    assert accepted(sent_after)
    bodies = stored_comments(site)
    assert bodies == ["Before the outage.", "After the outage."]


def stored_comments(site) -> list[str]:
    """Every comment row, checked whole (no half-written row), oldest first."""
    script = (
        "from comments.models import Comment\n"
        "for c in Comment.objects.order_by('pk'):\n"
        "    assert c.body_html and c.author_name and c.identity_key, c.pk\n"
        "    assert c.created_at and c.status in ('approved', 'pending'), c.pk\n"
        "    print(c.body)\n"
    )
    return manage(site.env, "shell", "-v", "0", stdin=script).strip().splitlines()


def test_a_cache_outage_serves_pages_from_the_database(site):
    first = site.get(site.post_path)
    cached = site.get(site.post_path)
    assert (first.status_code, cached.status_code) == (200, 200)
    assert cached.headers.get("X-Cache") == "hit"

    site.redis.stop()
    try:
        down = [site.get(path) for path in ("/", site.post_path, "/?s=outage")] * 3
        commented = site.comment("While the cache is down.", "nocache@example.net")
    finally:
        site.redis.start()

    assert all(response.status_code == 200 for response in down)
    assert all(response.headers.get("X-Cache") != "hit" for response in down)
    assert "Outage report" in down[1].text
    assert accepted(commented)

    def cached_again() -> bool:
        site.get(site.post_path)
        return site.get(site.post_path).headers.get("X-Cache") == "hit"

    wait_for(cached_again, 15, "the cache to be used again")
