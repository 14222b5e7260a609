"""`make bench`: seed PostgreSQL, serve under gunicorn, measure with wrk (issue 9).

    .venv/bin/python -m bench.run_bench [--duration 10] [--no-docs]

Creates the database (DATABASE_URL, or colophon_bench on the local PostgreSQL, dropped
and created afresh), migrates, seeds two long posts like the reference page (200 and
1,000 comments), collects static files into a temporary STATIC_ROOT, then starts
gunicorn (2 sync workers, production settings) on a free port of 127.0.0.1 for each
phase and runs wrk against it. Prints the table and writes it into
docs/performance.md. docs/performance.md explains what "cold", "right after a like"
and "right after a comment was approved" mean.

Every child process runs with a timeout and is stopped in `finally`; all traffic goes
to 127.0.0.1. The whole run stays within TIME_BUDGET seconds.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import http.client
import http.cookies
import logging
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from bench.report import (
    Measurement,
    markdown_table,
    memory_row,
    place_results,
    rows,
)
from bench.wrk import (
    SEQUENCE_MARKER,
    RequestSpec,
    WrkResult,
    lua_script,
    parse_wrk_output,
)

logger = logging.getLogger("bench")

BASE_DIR = Path(__file__).resolve().parent.parent
DOCS = BASE_DIR / "docs" / "performance.md"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/colophon_bench"
# Redis databases 10-14 are free for us here; 15 belongs to the test suite.
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/11"
TIME_BUDGET = 555.0
WORKERS = 2
# The stored likes parts of pages: missed in "right after a like".
LIKES_PART_KEYS = r"^pc:part:\d+:likes:"
MIXED_REQUESTS = 10_000
COMMENT_RATE_LIMIT = 1_000_000


class BenchError(RuntimeError):
    """The benchmark cannot go on; the message says why."""


# --- Time ---------------------------------------------------------------------


class Budget:
    def __init__(self, seconds: float):
        self.deadline = time.monotonic() + seconds

    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    def check(self, step: str, needs: float = 0.0) -> None:
        if self.remaining() < needs:
            raise BenchError(f"out of time before {step}")


# --- HTTP on 127.0.0.1 --------------------------------------------------------


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def cookie(self, name: str) -> str | None:
        for header in self.headers.get_all("Set-Cookie") or []:
            jar = http.cookies.SimpleCookie()
            jar.load(header)
            if name in jar:
                return jar[name].value
        return None


def fetch(
    port: int,
    path: str,
    *,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    body: str | None = None,
    timeout: float = 30.0,
) -> Answer:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return Answer(response.status, response.headers, response.read())
    finally:
        connection.close()


def free_port() -> int:
    while True:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        if port != 8000:
            return port


# --- Processes ----------------------------------------------------------------


def _run(
    command: list[str], *, timeout: float, **kwargs
) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - fixed commands, no shell
        command, timeout=timeout, check=False, capture_output=True, text=True, **kwargs
    )


class Server:
    """gunicorn serving config.wsgi on a free port of 127.0.0.1, in its own session
    so that stopping it stops its workers too."""

    def __init__(self, *, name: str, env: dict[str, str], log_dir: Path):
        self.name = name
        self.env = env
        self.log_path = log_dir / f"gunicorn-{name}.log"
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        gunicorn = Path(sys.executable).with_name("gunicorn")
        command = [
            str(gunicorn),
            "config.wsgi:application",
            "--workers",
            str(WORKERS),
            "--worker-class",
            "sync",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--timeout",
            "60",
            "--graceful-timeout",
            "5",
            # No shared ~/.gunicorn control socket: nothing outside the temp folder.
            "--no-control-socket",
        ]
        with self.log_path.open("w") as log:
            self.process = subprocess.Popen(  # noqa: S603 - fixed command, no shell
                command,
                cwd=BASE_DIR,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            self._wait_until_ready(timeout=60)
        except BaseException:
            self.stop()
            raise
        logger.info("gunicorn %s up on 127.0.0.1:%s", self.name, self.port)
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def _wait_until_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(f"gunicorn exited early:\n{self.log_tail()}")
            with contextlib.suppress(OSError, http.client.HTTPException):
                answer = fetch(self.port, "/healthz", timeout=5)
                if answer.status == 200 and len(self.worker_pids()) == WORKERS:
                    return
            time.sleep(0.3)
        raise BenchError(
            f"gunicorn did not answer in {timeout:.0f} s:\n{self.log_tail()}"
        )

    def worker_pids(self) -> list[int]:
        """The master's child processes (its workers)."""
        master = self.process.pid
        children = Path(f"/proc/{master}/task/{master}/children")
        with contextlib.suppress(OSError):
            return [int(pid) for pid in children.read_text().split()]
        pids = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError, ValueError, IndexError):
                if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == master:
                    pids.append(int(stat.parent.name))
        return pids

    def drain(self, timeout: float = 120.0) -> None:
        """Wait until the requests wrk left queued are done.

        A sync worker still answers every connection already in the listen queue
        when wrk stops (to a closed socket); the next run must not start behind
        them. Two health checks in a row return only once the queue is empty.
        """
        deadline = time.monotonic() + timeout
        for _ in range(WORKERS):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise BenchError(f"gunicorn {self.name} still busy after {timeout} s")
            fetch(self.port, "/healthz", timeout=remaining)

    def log_tail(self, lines: int = 30) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log_path.read_text().splitlines()[-lines:])
        return ""

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time a process has used so far (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    # Fields 14 and 15 of proc(5), counted after the ")" that ends field 2.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def memory_mb(pid: int) -> dict[str, float]:
    """VmHWM (peak resident size) and VmRSS of a process, in MB."""
    found = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmHWM", "VmRSS"):
            found[name] = int(value.split()[0]) / 1024
    return found


@dataclass
class Wrk:
    binary: str
    work_dir: Path
    threads: int = 2
    runs: list[str] = field(default_factory=list)

    def run(
        self,
        port: int,
        path: str,
        *,
        duration: float,
        connections: int,
        script: str | None = None,
        label: str = "run",
    ) -> WrkResult:
        command = [
            self.binary,
            f"--threads={self.threads}",
            f"--connections={connections}",
            f"--duration={int(duration)}s",
            # Slow cold pages queue behind 32 connections: count them, never drop.
            "--timeout=30s",
            "--latency",
        ]
        if script is not None:
            script_path = self.work_dir / f"{label}.lua"
            script_path.write_text(script)
            command.append(f"--script={script_path}")
        command.append(f"http://127.0.0.1:{port}{path}")
        done = _run(command, timeout=duration + 60)
        (self.work_dir / f"{label}.txt").write_text(done.stdout + done.stderr)
        if done.returncode != 0:
            raise BenchError(f"wrk failed ({label}):\n{done.stdout}\n{done.stderr}")
        self.runs.append(done.stdout)
        return parse_wrk_output(done.stdout)


# --- Set-up -------------------------------------------------------------------


def recreate_database(url: str) -> None:
    """Drop and create the database named in `url` (connecting to "postgres")."""
    import psycopg2
    from psycopg2 import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        raise BenchError(f"unexpected database name {name!r}")
    try:
        connection = psycopg2.connect(
            dbname="postgres",
            user=parts.username or "postgres",
            password=parts.password,
            host=parts.hostname or "127.0.0.1",
            port=parts.port or 5432,
            connect_timeout=10,
        )
    except psycopg2.OperationalError as exc:
        raise BenchError(
            f"PostgreSQL is not reachable at {parts.hostname}: {exc}"
        ) from None
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(name)
                )
            )
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    finally:
        connection.close()


def flush_redis(url: str) -> None:
    import redis

    redis.Redis.from_url(url, socket_timeout=10).flushdb()


def redis_key_census(url: str) -> dict[str, int]:
    """How many keys of each shape the cache holds (ids and digests as *)."""
    import redis

    client = redis.Redis.from_url(url, socket_timeout=10)
    shapes: Counter[str] = Counter()
    for key in client.scan_iter(count=1000):
        text = key.decode(errors="replace")
        shapes[re.sub(r"[0-9a-f]{32}|\d+", "*", text)] += 1
    return dict(shapes)


def load_average() -> str:
    with contextlib.suppress(OSError):
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    return "unknown"


def machine_summary(database_url: str, redis_url: str) -> str:
    import django
    import psycopg2
    import redis

    cpu = "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = "unknown"
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024**2:.1f} GiB"
    parts = urlsplit(database_url)
    with (
        contextlib.closing(
            psycopg2.connect(
                dbname=parts.path.lstrip("/"),
                user=parts.username,
                password=parts.password,
                host=parts.hostname,
                port=parts.port or 5432,
                connect_timeout=10,
            )
        ) as connection,
        connection.cursor() as cursor,
    ):
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0].split()[0]
    redis_version = redis.Redis.from_url(redis_url, socket_timeout=10).info("server")[
        "redis_version"
    ]
    gunicorn = _run(
        [str(Path(sys.executable).with_name("gunicorn")), "--version"], timeout=30
    ).stdout.strip()
    wrk = shutil.which("wrk")
    done = _run([wrk, "--version"], timeout=10)
    wrk_version = (done.stdout + done.stderr).splitlines()[0]
    return (
        f"{os.cpu_count()} CPUs ({cpu}), {memory} RAM, {platform.system()} "
        f"{platform.release()}; Python {platform.python_version()}, "
        f"Django {django.get_version()}, PostgreSQL {postgres}, Redis {redis_version}, "
        f"{gunicorn.replace('(version ', '').rstrip(')')}, "
        f"{wrk_version.split('[')[0].strip()}"
    )


# --- Measurements ---------------------------------------------------------------


@dataclass
class Run:
    args: argparse.Namespace
    env: dict[str, str]
    redis_url: str
    work_dir: Path
    wrk: Wrk
    budget: Budget
    measurements: list[Measurement] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def server(self, name: str, **overrides: str) -> Server:
        flush_redis(self.redis_url)
        return Server(name=name, env={**self.env, **overrides}, log_dir=self.work_dir)

    def wrk_run(self, server: Server, path: str, **kwargs) -> WrkResult:
        result = self.wrk.run(server.port, path, **kwargs)
        server.drain()
        return result

    def measure(
        self,
        server: Server,
        key: str,
        label: str,
        path: str,
        *,
        connections: int | None = None,
        script: str | None = None,
        warm_script: str | None = None,
    ) -> Measurement:
        duration = self.args.duration
        connections = connections or self.args.connections
        self.budget.check(label, needs=duration + self.args.warmup + 60)
        logger.info("measuring %s", label)
        self.wrk_run(
            server,
            path,
            duration=self.args.warmup,
            connections=connections,
            script=warm_script or script,
            label=f"{key}-warmup",
        )
        workers = server.worker_pids()
        cpu_before = sum(cpu_seconds(pid) for pid in workers)
        result = self.wrk.run(
            server.port,
            path,
            duration=duration,
            connections=connections,
            script=script,
            label=key,
        )
        # Read before draining: the window wrk counted requests in.
        cpu_spent = sum(cpu_seconds(pid) for pid in workers) - cpu_before
        server.drain()
        measurement = Measurement(
            key,
            label,
            result,
            connections,
            cpu_ms_per_request=(
                cpu_spent * 1000 / result.requests if result.requests else None
            ),
        )
        self.measurements.append(measurement)
        logger.info(
            "  %.1f requests/s, worker CPU %s ms a request, p50 %s ms, p99 %s ms, "
            "%d failed",
            result.requests_per_s,
            measurement.cpu_ms_per_request,
            result.p50_ms,
            result.p99_ms,
            result.errors,
        )
        return measurement


def expect_page(port: int, path: str, *, comments: int | None = None) -> Answer:
    """GET `path` and check it is the page we mean to measure."""
    answer = fetch(port, path)
    if answer.status != 200:
        raise BenchError(f"GET {path} answered {answer.status}, not 200")
    if comments is not None:
        shown = len(re.findall(rb'<li id="comment-\d+"', answer.body))
        if shown < comments:
            raise BenchError(f"GET {path} shows {shown} comments, expected {comments}")
    return answer


def cache_state(answer: Answer) -> str:
    return answer.headers.get("X-Cache", "no X-Cache header")


def comment_form(port: int, path: str) -> tuple[str, str]:
    """The CSRF cookie and form token a reader's browser gets with the post page."""
    answer = expect_page(port, path)
    cookie = answer.cookie("csrftoken")
    match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', answer.body)
    if not cookie or match is None:
        raise BenchError(f"GET {path} gave no CSRF cookie and form token")
    return cookie, match.group(1).decode()


def comment_request(
    post_pk: int, *, cookie: str, csrf: str, security: str, email: str
) -> RequestSpec:
    body = urlencode(
        {
            "csrfmiddlewaretoken": csrf,
            "comment": f"Benchmark comment {SEQUENCE_MARKER}: the ferries still run "
            "late, and nobody has explained why.",
            "name": "Bench Reader",
            "email": email,
            "url": "",
            "parent": "",
            "security": security,
            "homepage": "",
        }
    )
    return RequestSpec(
        path=f"/comments/post/{post_pk}/",
        method="POST",
        headers=(
            ("Cookie", f"csrftoken={cookie}"),
            ("Content-Type", "application/x-www-form-urlencoded"),
        ),
        body=body,
    )


def bench_comments() -> int:
    from django.db import connections

    from bench.seed import BENCH_GUEST_EMAIL
    from comments.models import Comment

    try:
        return Comment.objects.filter(author_email=BENCH_GUEST_EMAIL).count()
    finally:
        connections.close_all()


@dataclass(frozen=True)
class Approval:
    """What a comment approved on a post makes stale, and where it shows."""

    miss_keys: str  # a regular expression of cache keys (bench/cold_cache.py)
    page: int  # the comment page the comment is on


def last_approval(post_id: int, per_page: int) -> Approval:
    """As if the post's newest comment had just been approved: its page's
    discussion part and the kept rows of its top-level thread are stale
    (comments.rendering)."""
    from django.db import connections

    from comments.models import Comment

    try:
        parents = dict(
            Comment.objects.filter(post_id=post_id)
            .order_by("created_at", "pk")
            .values_list("pk", "parent_id")
        )
    finally:
        connections.close_all()
    root = max(parents)
    while parents.get(root):
        root = parents[root]
    roots = [pk for pk, parent in parents.items() if parent is None]
    return Approval(
        miss_keys=rf"^pc:part:\d+:discussion:|^pc:rows:{root}:",
        page=roots.index(root) // per_page + 1,
    )


def measure_with_missed_keys(
    run: Run, phase: str, miss_keys: str, rows: list[tuple[str, str, str, int]]
) -> None:
    """Serve with reads of the cache keys matching `miss_keys` made to miss
    (bench/settings.py), and measure each (key, label, path, comments shown)."""
    with run.server(
        phase,
        DJANGO_SETTINGS_MODULE="bench.settings",
        COLOPHON_BENCH_MISS_KEYS=miss_keys,
    ) as server:
        for key, label, path, comments in rows:
            expect_page(server.port, path, comments=comments)
            again = expect_page(server.port, path)
            run.notes.append(
                f"{label}: a repeated GET answered with X-Cache: {cache_state(again)}."
            )
            run.measure(server, key, label, path)


def run_measurements(run: Run, seeded) -> tuple[float | None, int]:
    """All wrk phases; returns the worst worker peak RSS (MB) and the mixed count."""
    from bench.seed import BENCH_GUEST_EMAIL
    from comments.forms import security_token

    reference = seeded.reference
    long_discussion = seeded.long_discussion
    args = run.args

    # 1, 5, 6, 7, 8: the site as it runs, page cache on.
    with run.server("normal") as server:
        expect_page(server.port, "/bench/trivial/")
        run.measure(server, "trivial", "Trivial view (ceiling)", "/bench/trivial/")

        expect_page(server.port, reference.url, comments=reference.comments)
        warm = expect_page(server.port, reference.url)
        run.notes.append(
            f"Cached post page: second GET answered with X-Cache: {cache_state(warm)}."
        )
        run.measure(
            server,
            "post_cached",
            "Post, 200 comments, page cached",
            reference.url,
        )
        expect_page(server.port, "/")
        run.measure(server, "home", "Home page (page cache on)", "/")
        expect_page(server.port, "/feed/")
        run.measure(server, "feed", "RSS feed /feed/ (page cache on)", "/feed/")
        run.notes.append(
            "Redis keys after the page-cache-on phase: "
            + ", ".join(
                f"{shape} ×{count}"
                for shape, count in sorted(redis_key_census(run.redis_url).items())
            )
            + "."
        )

        cookie, csrf = comment_form(server.port, reference.url)
        posting = comment_request(
            reference.pk,
            cookie=cookie,
            csrf=csrf,
            security=security_token(reference.pk),
            email=BENCH_GUEST_EMAIL,
        )
        probe = fetch(
            server.port,
            posting.path,
            method="POST",
            headers=dict(posting.headers),
            body=posting.body.replace(SEQUENCE_MARKER, f"probe{secrets.token_hex(4)}"),
        )
        location = probe.headers.get("Location", "")
        if probe.status != 302 or "#comment-" not in location:
            raise BenchError(
                f"a guest comment POST was refused ({probe.status} → {location!r}): "
                f"form, CSRF or security token problem.\n{server.log_tail()}"
            )
        before = bench_comments()
        nonce = secrets.token_hex(6)
        measured = run.measure(
            server,
            "comment_post",
            "Guest comment POST",
            posting.path,
            connections=args.post_connections,
            script=lua_script([posting], nonce=f"m{nonce}"),
            warm_script=lua_script([posting], nonce=f"w{nonce}"),
        )
        stored = bench_comments() - before
        measured.notes.append(f"{stored} comments stored")
        run.measure(
            server,
            "trivial_end",
            "Trivial view, again after the rows above",
            "/bench/trivial/",
        )
        run.notes.append(
            f"Guest comment POSTs: {measured.result.requests:,} answered in the "
            f"measured run, {stored:,} comments stored during warm-up and run together "
            "(all held for moderation: a first comment from a new address); a POST "
            "whose form was refused would redirect to #respond and store nothing."
        )

    # 2, 3: every cache cold. Same Redis, but every read is a miss (bench/settings.py).
    measure_with_missed_keys(
        run,
        "cold",
        "",
        [
            (
                "post_200_cold",
                "Post, 200 comments, every cache cold",
                reference.url,
                reference.comments,
            ),
            (
                "post_1000_cold",
                f"Post, 1,000 comments, first page of {seeded.per_page} threads, cold",
                long_discussion.url,
                seeded.per_page,
            ),
        ],
    )

    # 4: right after a like: the stored page is current but its likes part is not.
    measure_with_missed_keys(
        run,
        "like",
        LIKES_PART_KEYS,
        [
            (
                "post_after_like",
                "Post, 200 comments, right after a like (likes part drawn again)",
                reference.url,
                reference.comments,
            )
        ],
    )

    # 4b: right after a comment was approved: the stored page is current, but its
    # discussion part and the rows of the thread the comment joined are not. On the
    # long post, the page the comment is on (its last).
    approved = last_approval(reference.pk, seeded.per_page)
    approved_long = last_approval(long_discussion.pk, seeded.per_page)
    long_page = f"{long_discussion.url}?cpage={approved_long.page}"
    measure_with_missed_keys(
        run,
        "approval",
        f"{approved.miss_keys}|{approved_long.miss_keys}",
        [
            (
                "post_after_approval",
                "Post, 200 comments, right after a comment was approved "
                "(discussion part drawn again)",
                reference.url,
                reference.comments,
            ),
            (
                "post_1000_after_approval",
                f"Post, 1,000 comments, right after a comment was approved, "
                f"comment page {approved_long.page} (the comment's)",
                long_page,
                1,
            ),
        ],
    )

    # Memory: a fresh server, then MIXED_REQUESTS requests of every kind.
    run.budget.check("the mixed run", needs=90)
    with run.server("mixed") as server:
        cookie, csrf = comment_form(server.port, reference.url)
        posting = comment_request(
            reference.pk,
            cookie=cookie,
            csrf=csrf,
            security=security_token(reference.pk),
            email=BENCH_GUEST_EMAIL,
        )
        # Weighted like a blog's traffic: mostly pages the page cache holds, and
        # one guest comment in 41 requests, on the reference post, so that its
        # page is rendered afresh after each one (an active discussion).
        pages = [
            *[reference.url] * 4,
            *[long_discussion.url] * 3,
            *[f"{long_discussion.url}?cpage={n}" for n in range(2, 6)],
            *["/"] * 6,
            *["/?page=2"] * 2,
            "/?page=3",
            *["/feed/"] * 3,
            *["/comments/feed/"] * 2,
            f"{reference.url}feed/",
            *seeded.other_urls * 2,
            "/category/news/",
            "/tag/harbour/",
        ]
        specs = [RequestSpec(path=path) for path in pages] + [posting]
        mixed = mixed_requests(run, server, specs)
        sizes = {pid: memory_mb(pid) for pid in server.worker_pids()}
    failed = sum(part.errors for part in mixed)
    count = sum(part.requests for part in mixed)
    seconds = sum(part.duration_s for part in mixed)
    if failed:
        run.notes.append(f"Mixed run: {failed} failed requests.")
    run.notes.append(
        f"Mixed run: {count:,} requests in {seconds:.0f} s over "
        f"a cycle of {len(specs)} requests (both long posts incl. comment pages 2-5, "
        "home pages 1-3, feeds, six other posts, a category and a tag, one guest "
        "comment POST on the 200-comment post); per worker VmHWM / VmRSS: "
        + "; ".join(
            f"pid {pid}: {size.get('VmHWM', 0):.1f} / {size.get('VmRSS', 0):.1f} MB"
            for pid, size in sizes.items()
        )
        + "."
    )
    peak = max((size.get("VmHWM", 0.0) for size in sizes.values()), default=None)
    return peak, count


def mixed_requests(run: Run, server: Server, specs: list[RequestSpec]) -> list:
    """At least --mixed-requests requests cycling through `specs`, in two wrk runs:
    one to learn the rate, one sized (and stopped per thread) for the rest.

    wrk has no request count: a thread that stops early leaves wrk waiting for
    its --duration, so the second run's duration is the estimate plus a margin.
    """
    target = run.args.mixed_requests
    logger.info("mixed run: %s requests", f"{target:,}")
    first = run.wrk_run(
        server,
        "/",
        duration=min(run.args.duration, 10),
        connections=run.args.connections,
        script=lua_script(specs, nonce=f"x{secrets.token_hex(6)}"),
        label="mixed-1",
    )
    parts = [first]
    remaining = target - first.requests
    if remaining > 0:
        rate = max(first.requests_per_s, 1.0)
        # Whatever fits in the time left; the report gives the actual count.
        duration = max(
            5.0, min(remaining / rate * 1.3 + 3, run.budget.remaining() - 40)
        )
        parts.append(
            run.wrk_run(
                server,
                "/",
                duration=duration,
                connections=run.args.connections,
                script=lua_script(
                    specs,
                    nonce=f"y{secrets.token_hex(6)}",
                    stop_after_per_thread=-(-remaining // run.wrk.threads),
                ),
                label="mixed-2",
            )
        )
    return parts


def results_block(
    run: Run, *, machine: str, seeded, peak_mb: float | None, mixed: int
) -> str:
    table = rows(run.measurements)
    table.append(memory_row(peak_mb, mixed, wanted=run.args.mixed_requests))
    today = dt.date.today().isoformat()
    lines = [
        f"### Results of {today}",
        "",
        f"Machine: {machine}.",
        "",
        f"Load: wrk, {run.args.duration:.0f} s per row after a "
        f"{run.args.warmup:.0f} s warm-up, {run.wrk.threads} threads; gunicorn with "
        f"{WORKERS} sync workers; wrk, gunicorn, PostgreSQL and Redis share the "
        f"machine. Content: the reference-like post with {seeded.reference.comments} "
        f"approved comments in {seeded.reference.threads} threads, and one with "
        f"{seeded.long_discussion.comments:,} in {seeded.long_discussion.threads} "
        f"threads ({seeded.per_page} threads a page).",
        "",
        markdown_table(table),
        *[f"- {note}" for note in run.notes],
    ]
    return "\n".join(lines) + "\n"


# --- Main -----------------------------------------------------------------------


def bench_environment(
    *, database_url: str, redis_url: str, work_dir: Path
) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "COLOPHON_", "SECURE_"))
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "SESSION_COOKIE_SECURE": "0",
            "CSRF_COOKIE_SECURE": "0",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "STATIC_ROOT": str(work_dir / "static"),
            "MEDIA_ROOT": str(work_dir / "media"),
            "COLOPHON_VAR_DIR": str(work_dir / "var"),
            "COLOPHON_COMMENT_MIN_SECONDS": "0",
            "COLOPHON_BENCH": "1",
            # Every bench POST comes from 127.0.0.1: the limit is still counted in
            # Redis on each request (its cost is measured) but never reached.
            "COLOPHON_RATE_LIMIT_COMMENT": f"{COMMENT_RATE_LIMIT}/m",
            "PYTHONPATH": str(BASE_DIR),
        }
    )
    return env


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=10, help="seconds per row")
    parser.add_argument("--warmup", type=float, default=2, help="seconds before each")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--post-connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--mixed-requests", type=int, default=MIXED_REQUESTS)
    parser.add_argument(
        "--no-docs", action="store_true", help="print only; leave docs/ alone"
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the temporary folder (logs, output)"
    )
    return parser.parse_args(argv)


def _stop_on_sigterm(signum, frame) -> None:
    # `timeout` and CI send SIGTERM: unwind, so every `finally` stops its gunicorn.
    raise BenchError("stopped by SIGTERM")


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s bench %(message)s")
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    args = parse_args(argv)
    budget = Budget(TIME_BUDGET)
    wrk_binary = shutil.which("wrk")
    if wrk_binary is None:
        raise BenchError("wrk is missing: apt-get install -y wrk")
    if not Path(sys.executable).with_name("gunicorn").exists():
        raise BenchError(
            "gunicorn is missing from the virtualenv: make bench sets it up"
        )

    database_url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    redis_url = os.environ.get("COLOPHON_BENCH_REDIS_URL") or DEFAULT_REDIS_URL
    if urlsplit(database_url).scheme not in ("postgres", "postgresql"):
        raise BenchError("the benchmark runs on PostgreSQL: DATABASE_URL=postgres://…")
    work_dir = Path(tempfile.mkdtemp(prefix="colophon-bench-"))
    ok = False
    try:
        env = bench_environment(
            database_url=database_url, redis_url=redis_url, work_dir=work_dir
        )
        if os.environ.get("DATABASE_URL"):
            logger.warning(
                "seeding the bench content into DATABASE_URL's database (kept as is)"
            )
        else:
            logger.info("creating database %s", urlsplit(database_url).path[1:])
            recreate_database(database_url)
        os.environ.update(env)
        import django
        from django.core.management import call_command
        from django.db import connections

        django.setup()
        logger.info("migrating, collecting static files, seeding")
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        from bench.growth import growth_note, thread_render_growth
        from bench.seed import seed

        seeded = seed()
        growth = thread_render_growth(seeded.long_discussion.pk)
        connections.close_all()
        logger.info(
            "seeded: %s (%d comments), %s (%d comments)",
            seeded.reference.url,
            seeded.reference.comments,
            seeded.long_discussion.url,
            seeded.long_discussion.comments,
        )
        machine = machine_summary(database_url, redis_url)
        run = Run(
            args=args,
            env=env,
            redis_url=redis_url,
            work_dir=work_dir,
            wrk=Wrk(binary=wrk_binary, work_dir=work_dir, threads=args.threads),
            budget=budget,
        )
        load_before = load_average()
        if float(load_before.split()[0]) > (os.cpu_count() or 1) / 2:
            logger.warning(
                "the machine is busy (load %s): figures will be low", load_before
            )
        run.notes.append(growth_note(growth))
        peak_mb, mixed = run_measurements(run, seeded)
        machine += (
            f"; load average (1, 5, 15 min) {load_before} before the runs, "
            f"{load_average()} after"
        )
        block = results_block(
            run, machine=machine, seeded=seeded, peak_mb=peak_mb, mixed=mixed
        )
        sys.stdout.write("\n" + block)
        if not args.no_docs:
            DOCS.write_text(place_results(DOCS.read_text(), block))
            logger.info("results written to %s", DOCS.relative_to(BASE_DIR))
        ok = True
    finally:
        flush_redis_quietly(redis_url)
        if ok and not args.keep:
            shutil.rmtree(work_dir, ignore_errors=True)
        else:
            logger.info("logs and wrk output kept in %s", work_dir)
    return 0


def flush_redis_quietly(url: str) -> None:
    with contextlib.suppress(Exception):
        flush_redis(url)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as exc:
        logger.error("%s", exc)
        sys.exit(1)
