"""`policy-timeline serve` with no DATABASE_URL: an embedded PostgreSQL that keeps its data."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest

from tests.factories import agency


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(data_dir: Path, port: int) -> subprocess.Popen:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "POLICY_TIMELINE_"))}
    environment |= {"POLICY_TIMELINE_DATA_DIR": str(data_dir), "POLICY_TIMELINE_PORT": str(port)}
    return subprocess.Popen(
        [sys.executable, "-m", "service.cli", "serve"],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def wait_until_healthy(process: subprocess.Popen, base: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"serve exited with {process.returncode}:\n{process.stdout.read()}")
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    process.kill()
    pytest.fail(f"serve did not answer /health within {timeout}s:\n{process.stdout.read()}")


def stop(process: subprocess.Popen) -> str:
    process.send_signal(signal.SIGTERM)
    output, _ = process.communicate(timeout=60)
    assert process.returncode == 0, output
    return output


def postgres_running_in(data_dir: Path) -> bool:
    pid_file = data_dir / "postgres" / "postmaster.pid"
    return pid_file.exists()


def test_serve_starts_an_embedded_server_keeps_its_data_and_stops_cleanly(tmp_path):
    data_dir, port = tmp_path / "data", free_port()
    base = f"http://127.0.0.1:{port}"
    event_id = str(uuid.uuid4())

    first = start(data_dir, port)
    try:
        wait_until_healthy(first, base)
        assert httpx.get(f"{base}/ready").json()["status"] == "ready"
        response = httpx.post(
            f"{base}/streams/agency-kept/events",
            json={"events": [{**agency("kept", name_ko="남는다"), "id": event_id}]},
        )
        assert response.status_code == 201, response.text
    finally:
        stop(first)
    assert not postgres_running_in(data_dir), "the embedded server was left running"

    second = start(data_dir, port)
    try:
        wait_until_healthy(second, base)
        kept = httpx.get(f"{base}/events/{event_id}")
        assert kept.status_code == 200 and kept.json()["data"]["name_ko"] == "남는다"
        # the article was seeded on the first start, and only once
        seeded = httpx.get(f"{base}/events", params={"type": "source.registered"}).json()
        assert len(seeded["events"]) == 1
    finally:
        stop(second)
    assert not postgres_running_in(data_dir)
