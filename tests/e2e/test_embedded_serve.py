"""`policy-timeline serve` with no DATABASE_URL: an embedded PostgreSQL that keeps its data."""

from __future__ import annotations

import contextlib
import json
import signal
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import psutil
import pytest

from tests.e2e.processes import Running, free_port, run_command, still_running
from tests.factories import agency


def environment(data_dir: Path, port: int) -> dict[str, str]:
    return {"POLICY_TIMELINE_DATA_DIR": str(data_dir), "POLICY_TIMELINE_PORT": str(port)}


def start(data_dir: Path, port: int, log: Path) -> Running:
    return Running(["serve"], environment(data_dir, port), log)


def make_token(data_dir: Path, port: int) -> str:
    """As the README says: make a token (the embedded server starts for it, then stops)."""
    return run_command(
        ["token", "create", "--name", "desk", "--scope", "append"], environment(data_dir, port)
    ).strip()


def postgres_running_in(data_dir: Path) -> bool:
    pid_file = data_dir / "postgres" / "postmaster.pid"
    return pid_file.exists()


def test_serve_starts_an_embedded_server_keeps_its_data_and_stops_cleanly(tmp_path, data_dir):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    event_id = str(uuid.uuid4())

    token = make_token(data_dir, port)
    assert token.startswith("pt_")
    assert not postgres_running_in(data_dir)

    with start(data_dir, port, tmp_path / "first.log") as first:
        first.wait_until_healthy(base)
        assert httpx.get(f"{base}/ready").json()["status"] == "ready"
        response = httpx.post(
            f"{base}/streams/agency-kept/events",
            json={"events": [{**agency("kept", name_ko="남는다"), "id": event_id}]},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert response.status_code == 201, response.text
        children = first.tree()
        first.stop()
    assert not still_running(children), "a child outlived serve"
    assert not postgres_running_in(data_dir), "the embedded server was left running"

    with start(data_dir, port, tmp_path / "second.log") as second:
        second.wait_until_healthy(base)
        kept = httpx.get(f"{base}/events/{event_id}")
        assert kept.status_code == 200 and kept.json()["data"]["name_ko"] == "남는다"
        assert kept.json()["metadata"]["appended_by"] == "desk"
        # the article was seeded on the first start, and only once
        seeded = httpx.get(f"{base}/events", params={"type": "source.registered"}).json()
        assert len(seeded["events"]) == 1
        second.stop()
    assert not postgres_running_in(data_dir)


@pytest.fixture
def data_dir(server_folder: Path) -> Iterator[Path]:
    """The embedded server's data folder; a server that a failed test left running is stopped."""
    data_dir = server_folder / "data"
    yield data_dir
    with contextlib.suppress(OSError, ValueError, IndexError, psutil.Error):
        server = postmaster(data_dir)
        if server.name() == "postgres":
            server.terminate()
            server.wait(timeout=30)


def postmaster(data_dir: Path) -> psutil.Process:
    """The embedded server's postmaster, by the pid in its pid file."""
    pid_file = data_dir / "postgres" / "postmaster.pid"
    return psutil.Process(int(pid_file.read_text().split()[0]))


def test_sighup_as_from_a_closed_terminal_stops_serve_and_its_embedded_server(
    tmp_path, data_dir
):
    port = free_port()

    with start(data_dir, port, tmp_path / "serve.log") as serve:
        serve.wait_until_healthy(f"http://127.0.0.1:{port}")
        server = postmaster(data_dir)
        serve.stop(signal.SIGHUP)

    assert not still_running([server]), "the embedded server outlived serve"
    assert not postgres_running_in(data_dir)


@pytest.mark.parametrize("pid_now", ["gone", "another process's"])
def test_what_a_killed_serve_and_server_left_behind_stops_neither_a_start_nor_a_clean_stop(
    tmp_path, data_dir, pid_now
):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    event_id = str(uuid.uuid4())
    token = make_token(data_dir, port)

    with start(data_dir, port, tmp_path / "first.log") as first:
        first.wait_until_healthy(base)
        response = httpx.post(
            f"{base}/streams/agency-kept/events",
            json={"events": [{**agency("kept"), "id": event_id}]},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert response.status_code == 201, response.text
        killed = postmaster(data_dir)
        killed.kill()
        killed.wait(timeout=30)
        # leaving the block kills serve and its children with SIGKILL: nobody cleans up
    pgdata = data_dir / "postgres"
    assert (pgdata / "postmaster.pid").exists(), "the killed server's pid file is left"
    assert first.pid in json.loads((pgdata / ".handle_pids.json").read_text())

    with contextlib.ExitStack() as cleanup:
        if pid_now == "another process's":
            # After a reboot or in a container the dead postmaster's pid may name anything.
            other = subprocess.Popen(["sleep", "600"])
            cleanup.callback(other.wait)
            cleanup.callback(other.kill)
            lines = (pgdata / "postmaster.pid").read_text().split("\n")
            (pgdata / "postmaster.pid").write_text("\n".join([str(other.pid), *lines[1:]]))

        with start(data_dir, port, tmp_path / "second.log") as second:
            second.wait_until_healthy(base)
            assert httpx.get(f"{base}/events/{event_id}").status_code == 200
            server = postmaster(data_dir)
            second.stop()

    assert not still_running([server]), "the embedded server outlived serve"
    assert not postgres_running_in(data_dir)
