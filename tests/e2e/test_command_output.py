"""What a command prints, and what it says of the embedded PostgreSQL: only what it did."""

from __future__ import annotations

import contextlib
import logging
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from service.operations.embedded import EmbeddedPostgres
from tests.e2e.processes import clean_environment, run_command


def command(arguments: list[str], environment: dict[str, str]) -> subprocess.CompletedProcess:
    finished = subprocess.run(
        [sys.executable, "-m", "service.cli", *arguments],
        env=clean_environment(environment), capture_output=True, text=True, timeout=120,
    )
    assert finished.returncode == 0, finished.stderr
    return finished


@pytest.fixture
def data_dir(server_folder: Path) -> Iterator[Path]:
    """The embedded server's data folder; a server that a failed test left running is stopped."""
    data_dir = server_folder / "data"
    yield data_dir
    with contextlib.suppress(OSError, ValueError, IndexError, psutil.Error):
        pid_file = data_dir / "postgres" / "postmaster.pid"
        psutil.Process(int(pid_file.read_text().split()[0])).terminate()


def running_in(data_dir: Path) -> bool:
    return (data_dir / "postgres" / "postmaster.pid").exists()


def test_status_against_database_url_prints_whole_lines_and_nothing_of_an_embedded_server(
    database_url,
):
    status = command(["status"], {"DATABASE_URL": database_url})
    assert status.stdout == f"database: {database_url}\nevents: 0\nlast position: 0\n"
    assert "embedded" not in status.stderr.lower()


def test_a_command_that_starts_the_embedded_server_says_so_and_that_it_stopped_it(data_dir):
    environment = {"POLICY_TIMELINE_DATA_DIR": str(data_dir)}
    run_command(["migrate"], environment)
    status = command(["status"], environment)
    [url] = [line for line in status.stdout.splitlines() if line.startswith("database: ")]
    assert status.stdout == (
        f"{url}\nembedded: yes, in {data_dir}\nevents: 0\nlast position: 0\n"
    )
    pgdata = (data_dir / "postgres").resolve()
    assert f"starting embedded PostgreSQL in {pgdata}" in status.stderr
    assert f"stopped embedded PostgreSQL in {pgdata}" in status.stderr
    assert not running_in(data_dir)


def test_a_command_that_uses_a_running_embedded_server_leaves_it_running_and_says_so(
    data_dir, caplog
):
    environment = {"POLICY_TIMELINE_DATA_DIR": str(data_dir)}
    pgdata = (data_dir / "postgres").resolve()
    server = EmbeddedPostgres(data_dir)  # as `serve` would: this process starts it
    server.start()
    try:
        status = command(["status"], environment)
        assert f"using the embedded PostgreSQL already running in {pgdata}" in status.stderr
        assert "stop" not in status.stderr
        assert status.stdout.endswith("\nnot migrated: run `policy-timeline migrate`\n")
        assert running_in(data_dir)
    finally:
        with caplog.at_level(logging.INFO, logger="service.operations.embedded"):
            server.stop()
    assert f"stopped embedded PostgreSQL in {pgdata}" in caplog.messages
    assert not running_in(data_dir)

