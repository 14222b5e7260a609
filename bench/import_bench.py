"""Benchmark the WordPress import: generate an export, import it into a fresh
database in a child process, print wall time and peak memory of that process.

    python bench/import_bench.py [--posts 10000] [--comments 100000] [--keep]

With DATABASE_URL set (postgres://…) a fresh database named <name>_import_bench is
created on that server and dropped afterwards; without it a temporary SQLite file
is used (COLOPHON_VAR_DIR points at a temporary folder). Migrations run in their own
process, so the figures are the import's alone. `make bench-import` runs this.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.generate_wxr import write_wxr  # noqa: E402


def machine() -> str:
    memory_kb = 0
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        for line in meminfo.read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory_kb = int(line.split()[1])
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 0
    return (
        f"{platform.machine()}, {cpus or os.cpu_count()} CPUs (nproc), "
        f"{memory_kb / 1024 / 1024:.1f} GiB RAM, Python {platform.python_version()}"
    )


def child(path: Path) -> None:
    """Run in the measured process: import the file and print the figures as JSON."""
    import django

    django.setup()
    from django.db import connection

    from blog.wordpress import import_wxr

    before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    report = import_wxr(source=path)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    print(
        json.dumps(
            {
                "seconds": seconds,
                "cpu_seconds": cpu,
                "peak_kb": after.ru_maxrss,
                "baseline_kb": before.ru_maxrss,
                "database": connection.vendor,
                "rows": report.rows(),
                "problems": len(report.problems),
            }
        )
    )


def fresh_postgres(url: str) -> tuple[str, callable]:
    """A new empty database beside the one in `url`; returns its URL and a dropper."""
    import psycopg2

    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/') or 'colophon'}_import_bench"
    admin = psycopg2.connect(url)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.close()

    return urlunsplit(parts._replace(path=f"/{name}")), drop


def run(args, env) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, *args], cwd=ROOT, env=env, check=True, capture_output=True
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--comments", type=int, default=100_000)
    parser.add_argument("--keep", action="store_true", help="Keep the temp folder.")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return

    work = Path(tempfile.mkdtemp(prefix="colophon-import-bench-"))
    export = work / "export.xml"
    started = time.perf_counter()
    write_wxr(export, posts=args.posts, comments=args.comments)
    print(
        f"Generated {export} ({export.stat().st_size / 1e6:.0f} MB, {args.posts} "
        f"posts, {args.comments} comments) in {time.perf_counter() - started:.1f} s"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "COLOPHON_VAR_DIR": str(work / "var"),
        "PYTHONPATH": str(ROOT),
    }
    drop = None
    if os.environ.get("DATABASE_URL"):
        env["DATABASE_URL"], drop = fresh_postgres(os.environ["DATABASE_URL"])
    try:
        run(["manage.py", "migrate", "--no-input", "-v", "0"], env)
        result = run([__file__, "--child", str(export)], env)
        figures = json.loads(result.stdout.decode().strip().splitlines()[-1])
    finally:
        if drop is not None:
            drop()
    print(f"Database: {figures['database']}")
    for kind, *numbers in figures["rows"]:
        print(f"  {kind:<12} created {numbers[0]:>7}  skipped {numbers[3]:>5}")
    print(
        f"Import wall time: {figures['seconds']:.1f} s "
        f"(CPU time of the import process: {figures['cpu_seconds']:.1f} s)"
    )
    print(
        f"Peak memory (ru_maxrss) of the import process: "
        f"{figures['peak_kb'] / 1024:.0f} MiB "
        f"(after Django start-up: {figures['baseline_kb'] / 1024:.0f} MiB)"
    )
    print(f"Machine: {machine()}")
    print(f"Load average (1, 5, 15 min) at the end: {os.getloadavg()}")
    print(f"Date: {time.strftime('%Y-%m-%d')}")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
