"""Start-up behaviour, checked in a subprocess with a controlled environment."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args, **env):
    base = {
        key: value
        for key, value in os.environ.items()
        # The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE for themselves only.
        if key
        not in {
            "SECRET_KEY",
            "DJANGO_DEBUG",
            "DJANGO_SETTINGS_MODULE",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    base["DJANGO_SETTINGS_MODULE"] = "config.settings"
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_debug_off_without_secret_key_fails_with_one_line():
    result = run_manage("check", DJANGO_DEBUG="0")

    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "SECRET_KEY" in lines[0]


def test_deploy_check_is_clean_with_debug_off():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_DEBUG="0",
        SECRET_KEY="x7#Kp2!vQ9zLm4@Rt8wY1&nB6sD3fG5hJ0kE-aZcXuVbNiOyTrWqPlMoKj",
        ALLOWED_HOSTS="example.com",
    )

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize("flag", ["0", "1"])
def test_site_starts_in_both_debug_modes_with_a_key(flag):
    result = run_manage(
        "check",
        DJANGO_DEBUG=flag,
        SECRET_KEY="k" * 10 + "abcdefghijklmnopqrstuvwxyz0123456789",
    )

    assert result.returncode == 0, result.stderr
