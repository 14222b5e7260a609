"""A streaming read replica: anonymous reads use it, a writer reads the primary.

A private primary cluster and its standby (pg_basebackup -R) run on free loopback
ports in a temporary folder, as the postgres user; the machine's own cluster is not
touched. Pausing WAL replay on the standby makes it visibly behind, which shows
which database each request read.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import textwrap
from pathlib import Path

import pytest
import requests
from django.urls import reverse

from tests.blog.test_admin import post_form
from tests.scale.conftest import (
    PASSWORD,
    admin_login,
    free_port,
    hidden_inputs,
    production_env,
    run_manage,
    wait_for,
)

pytestmark = pytest.mark.scale

PG_BIN = Path("/usr/lib/postgresql/15/bin")
DB_NAME = "colophon"


def as_postgres(*args: str, timeout: float = 60) -> str:
    result = subprocess.run(
        ["runuser", "-u", "postgres", "--", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


class Cluster:
    """One PostgreSQL cluster in `data_dir`, listening on 127.0.0.1:`port` only."""

    def __init__(self, root: Path, name: str):
        self.root = root
        self.data_dir = root / name
        self.log = root / f"{name}.log"
        self.port = free_port()
        self.started = False

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{DB_NAME}"

    def configure(self, **settings: str) -> None:
        lines = [f"{name} = '{value}'" for name, value in settings.items()]
        with (self.data_dir / "postgresql.conf").open("a") as conf:
            conf.write("\n" + "\n".join(lines) + "\n")

    def start(self) -> None:
        as_postgres(
            str(PG_BIN / "pg_ctl"), "-D", str(self.data_dir), "-l", str(self.log),
            "-w", "-t", "30", "start",
        )  # fmt: skip
        self.started = True

    def stop(self) -> None:
        if self.started:
            as_postgres(
                str(PG_BIN / "pg_ctl"), "-D", str(self.data_dir),
                "-m", "immediate", "-w", "stop",
            )  # fmt: skip
            self.started = False

    def kill(self) -> None:
        """Last resort: the cluster's own postmaster, by the id it wrote down."""
        pid_file = self.data_dir / "postmaster.pid"
        if pid_file.exists():
            with contextlib.suppress(ProcessLookupError, ValueError):
                os.kill(int(pid_file.read_text().split()[0]), signal.SIGKILL)

    def query(self, sql: str) -> str:
        return as_postgres(
            str(PG_BIN / "psql"), "-h", "127.0.0.1", "-p", str(self.port),
            "-U", "postgres", "-d", DB_NAME, "-Atc", sql,
        ).strip()  # fmt: skip


@pytest.fixture
def clusters():
    """A primary with a database and, once asked for, its streaming standby."""
    if os.geteuid() != 0:
        pytest.skip("needs root, to run a private PostgreSQL cluster as postgres")
    if not (PG_BIN / "initdb").exists():
        pytest.skip(f"needs the PostgreSQL 15 binaries in {PG_BIN}")
    root = Path(tempfile.mkdtemp(prefix="colophon-replica-"))
    shutil.chown(root, "postgres", "postgres")
    root.chmod(0o700)
    primary = Cluster(root, "primary")
    standby = Cluster(root, "standby")
    try:
        as_postgres(
            str(PG_BIN / "initdb"), "-D", str(primary.data_dir), "-U", "postgres",
            "--auth=trust", "--no-sync", "--encoding=UTF8", "--no-locale",
        )  # fmt: skip
        common = {
            "listen_addresses": "127.0.0.1",
            "unix_socket_directories": str(root),
            # A throwaway cluster: speed over durability.
            "fsync": "off",
            "synchronous_commit": "off",
            "full_page_writes": "off",
        }
        primary.configure(
            port=str(primary.port),
            wal_level="replica",
            max_wal_senders="4",
            hot_standby="on",
            **common,
        )
        with (primary.data_dir / "pg_hba.conf").open("a") as hba:
            hba.write("host replication postgres 127.0.0.1/32 trust\n")
        primary.start()
        as_postgres(
            str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(primary.port),
            "-U", "postgres", DB_NAME,
        )  # fmt: skip

        def start_standby() -> Cluster:
            as_postgres(
                str(PG_BIN / "pg_basebackup"), "-h", "127.0.0.1",
                "-p", str(primary.port), "-U", "postgres",
                "-D", str(standby.data_dir), "-R", "-X", "stream", "--no-sync",
                "--checkpoint=fast",
            )  # fmt: skip
            standby.configure(port=str(standby.port), **common)
            standby.start()
            assert standby.query("SELECT pg_is_in_recovery()") == "t"
            return standby

        yield primary, start_standby
    finally:
        for cluster in (standby, primary):
            try:
                cluster.stop()
            except Exception:
                cluster.kill()
        shutil.rmtree(root, ignore_errors=True)


SEED = textwrap.dedent(
    """
    from accounts.models import User
    from blog.models import Post
    writer = User.objects.create_superuser("writer", "writer@example.com", {password!r})
    Post.objects.create(
        title="Before the pause", author=writer, body="Old news.", status="published"
    )
    """
)


def post_url(cluster: Cluster, title: str) -> str:
    slug, day = cluster.query(
        f"SELECT slug, published_on FROM blog_post WHERE title = '{title}'"
    ).split("|")
    year, month, date = day.split("-")
    return reverse(
        "blog:post_detail",
        kwargs={"year": year, "month": month, "day": date, "slug": slug},
    )


def test_anonymous_reads_use_the_replica_and_writers_read_their_own_writes(
    on_postgres, clusters, collected_static, app_servers
):
    primary, start_standby = clusters
    env = production_env(
        DATABASE_URL=primary.url,
        STATIC_ROOT=str(collected_static),
        COLOPHON_PAGE_CACHE="0",
    )
    run_manage("migrate", "--no-input", env=env)
    run_manage("shell", "-c", SEED.format(password=PASSWORD), env=env)
    standby = start_standby()
    server = app_servers("replicated", {**env, "DATABASE_REPLICA_URLS": standby.url})
    old_url = post_url(primary, "Before the pause")
    assert requests.get(f"{server.url}{old_url}", timeout=10).status_code == 200

    # The standby stops applying the primary's changes: it falls behind.
    standby.query("SELECT pg_wal_replay_pause()")
    wait_for(
        lambda: standby.query("SELECT pg_get_wal_replay_pause_state()") == "paused",
        timeout=10,
        what="replay pause",
    )

    # An author logs in and publishes through the admin: writes on the primary.
    author = requests.Session()
    admin_login(author, server.url, "writer")
    add_page = author.get(f"{server.url}/admin/blog/post/add/", timeout=10)
    saved = author.post(
        f"{server.url}/admin/blog/post/add/",
        data=post_form(
            title="Written during the pause",
            status="published",
            author=primary.query(
                "SELECT id FROM accounts_user WHERE username='writer'"
            ),
            csrfmiddlewaretoken=hidden_inputs(add_page.text)["csrfmiddlewaretoken"],
        ),
        timeout=10,
        allow_redirects=False,
    )
    assert saved.status_code == 302, saved.text[:2000]
    new_url = post_url(primary, "Written during the pause")
    assert standby.query("SELECT count(*) FROM blog_post") == "1"

    # The author reads their own write (the session pins them to the primary)…
    mine = author.get(f"{server.url}{new_url}", timeout=10)
    assert mine.status_code == 200
    assert "Written during the pause" in mine.text
    # …while an anonymous reader is served by the lagging replica.
    anonymous = requests.get(f"{server.url}{new_url}", timeout=10)
    assert anonymous.status_code == 404
    assert requests.get(f"{server.url}{old_url}", timeout=10).status_code == 200

    # A guest who just commented reads the primary for a while, even without the
    # session their comment started: the short-lived pin cookie is enough.
    guest = requests.Session()
    page = guest.get(f"{server.url}{old_url}", timeout=10)
    old_id = primary.query("SELECT id FROM blog_post WHERE title = 'Before the pause'")
    commented = guest.post(
        f"{server.url}/comments/post/{old_id}/",
        data={
            **hidden_inputs(page.text, form_id="commentform"),
            "comment": "Written while the replica lags.",
            "name": "Grace Guest",
            "email": "grace@example.net",
        },
        headers={"User-Agent": "Mozilla/5.0 (scale tests)"},
        timeout=10,
        allow_redirects=False,
    )
    assert commented.status_code == 302
    assert primary.query("SELECT count(*) FROM comments_comment") == "1"
    assert "colophon_primary" in guest.cookies
    guest.cookies.pop("sessionid", None)
    assert guest.get(f"{server.url}{new_url}", timeout=10).status_code == 200

    # Replay resumes: the replica catches up and anonymous readers see the post.
    standby.query("SELECT pg_wal_replay_resume()")
    wait_for(
        lambda: requests.get(f"{server.url}{new_url}", timeout=5).status_code == 200,
        timeout=15,
        what="replica catching up",
    )
