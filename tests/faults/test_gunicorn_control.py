"""gunicorn 27's control socket: every gunicorn we start has its own, or none.

Its default, ~/.gunicorn/gunicorn.ctl (or $XDG_RUNTIME_DIR/gunicorn.ctl), is shared by every
gunicorn of the same user, and the last one to start unlinks and takes over the other's.
"""

import subprocess
from pathlib import Path

import pytest

from tests.django_subprocess import ROOT

from .processes import FAULTS_ONE_AT_A_TIME, Gunicorn, port_open

pytestmark = [pytest.mark.faults, FAULTS_ONE_AT_A_TIME]


def test_two_gunicorns_of_the_fault_tests_serve_side_by_side_without_the_shared_socket(
    tmp_path,
):
    home = tmp_path / "home"
    home.mkdir()
    # Both would default to <home>/.gunicorn/gunicorn.ctl.
    first = Gunicorn(tmp_path, HOME=str(home), XDG_RUNTIME_DIR="").start()
    try:
        second = Gunicorn(tmp_path, HOME=str(home), XDG_RUNTIME_DIR="").start()
        try:
            assert (port_open(first.port), port_open(second.port)) == (True, True)
            assert not (home / ".gunicorn").exists()
            assert "control socket" not in first.log_path.read_text(errors="replace").lower()
        finally:
            second.stop()
    finally:
        first.stop()


def test_every_benchmark_that_starts_gunicorn_turns_its_control_socket_off():
    starters = [
        path
        for path in sorted((ROOT / "benchmarks").glob("*.py"))
        if '"gunicorn"' in path.read_text()  # as an argument: "-m", "gunicorn" or BIN / "gunicorn"
    ]

    assert [p.name for p in starters] == ["downloads.py", "stack.py", "upload_memory.py"]
    for path in starters:
        assert path.read_text().count('"--no-control-socket"') == 1, path.name


def test_make_serve_gives_gunicorn_a_control_socket_of_its_own_per_port():
    dry_run = subprocess.run(
        ["make", "-n", "serve", "PORT=8123", "DATABASE_URL=x", "REDIS_URL=y"],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.replace("\\\n", " ")

    (command,) = [line for line in dry_run.splitlines() if "bin/gunicorn" in line]
    assert f"--control-socket {Path(ROOT)}/.gunicorn/serve-8123.ctl" in command
