"""`policy-timeline serve` with no DATABASE_URL: an embedded PostgreSQL that keeps its data."""

from __future__ import annotations

import uuid
from pathlib import Path

import httpx

from tests.e2e.processes import Running, free_port, run_command, still_running
from tests.factories import agency


def environment(data_dir: Path, port: int) -> dict[str, str]:
    return {"POLICY_TIMELINE_DATA_DIR": str(data_dir), "POLICY_TIMELINE_PORT": str(port)}


def start(data_dir: Path, port: int, log: Path) -> Running:
    return Running(["serve"], environment(data_dir, port), log)


def postgres_running_in(data_dir: Path) -> bool:
    pid_file = data_dir / "postgres" / "postmaster.pid"
    return pid_file.exists()


def test_serve_starts_an_embedded_server_keeps_its_data_and_stops_cleanly(tmp_path):
    data_dir, port = tmp_path / "data", free_port()
    base = f"http://127.0.0.1:{port}"
    event_id = str(uuid.uuid4())

    # As the README says: make a token (the embedded server starts for it), then serve.
    token = run_command(
        ["token", "create", "--name", "desk", "--scope", "append"], environment(data_dir, port)
    ).strip()
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
