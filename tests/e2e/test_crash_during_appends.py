"""SIGKILL of the whole server while appends are in flight: every append that was acknowledged
is in the log exactly once, and an append whose answer was lost can be retried safely."""

from __future__ import annotations

import asyncio
import os
import signal
import threading
from dataclasses import dataclass, field

import asyncpg
import httpx

from tests.e2e.processes import Running, free_port, until
from tests.factories import agency
from tests.tokens import WRITER, bearer

WRITERS = 16
MOST_PER_WRITER = 200
KILL_AFTER_ACKNOWLEDGED = 150


def write_access() -> tuple[dict[str, str], dict[str, str]]:
    """The server's environment and the request headers that let a client append: the test
    database holds the test tokens (tests/tokens.py)."""
    # 16 writers from one address: the per-address write limit would refuse most of them.
    return {"POLICY_TIMELINE_WRITE_RATE_LIMIT": "0"}, bearer(WRITER)


@dataclass
class Appends:
    """Single-event appends, each to a stream of its own, from concurrent writers."""

    base: str
    headers: dict[str, str]
    acknowledged: list[str] = field(default_factory=list)
    unanswered: list[dict] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    bodies: dict[str, tuple[str, dict]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def writer(self, number: int) -> None:
        with httpx.Client(base_url=self.base, headers=self.headers, timeout=10) as client:
            for n in range(MOST_PER_WRITER):
                event = agency(f"crash-{number}-{n}")
                stream_id = f"agency-crash-{number}-{n}"
                with self.lock:
                    self.bodies[event["id"]] = (stream_id, event)
                try:
                    response = client.post(f"/streams/{stream_id}/events", json={"events": [event]})
                except httpx.TransportError:
                    with self.lock:
                        self.unanswered.append(event)
                    return  # the server is gone
                with self.lock:
                    if response.is_success:
                        self.acknowledged.append(event["id"])
                    else:
                        self.refused.append(f"{response.status_code} {response.text}")


def copies_in_the_log(database_url: str, event_ids: list[str]) -> dict[str, int]:
    """Rows of ``events`` per event id, counted in the table itself."""

    async def count() -> dict[str, int]:
        connection = await asyncpg.connect(database_url)
        try:
            rows = await connection.fetch(
                """SELECT event_id::text, count(*) AS copies FROM events
                   WHERE event_id = ANY($1::uuid[]) GROUP BY event_id""",
                event_ids,
            )
        finally:
            await connection.close()
        return {row["event_id"]: row["copies"] for row in rows}

    return asyncio.run(count())


def kill_the_whole_server(serve: Running) -> None:
    """SIGKILL to serve and to the process group of each of its children (the API's includes
    uvicorn's workers): nothing gets to finish or clean up."""
    own_group = os.getpgid(0)
    groups = set()
    for process in serve.tree():
        try:
            groups.add(os.getpgid(process.pid))
        except ProcessLookupError:
            pass
    os.kill(serve.pid, signal.SIGKILL)
    for group in groups - {own_group}:
        try:
            os.killpg(group, signal.SIGKILL)
        except ProcessLookupError:
            pass
    serve.process.wait(timeout=30)


def test_every_acknowledged_append_survives_a_sigkill_of_the_server_exactly_once(
    database_url, tmp_path
):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server_access, headers = write_access()
    environment = {"DATABASE_URL": database_url, "POLICY_TIMELINE_PORT": str(port), **server_access}
    appends = Appends(base, headers)

    with Running(["serve"], environment, tmp_path / "first.log") as first:
        first.wait_until_healthy(base)
        writers = [threading.Thread(target=appends.writer, args=(n,)) for n in range(WRITERS)]
        for writer in writers:
            writer.start()
        until(
            lambda: len(appends.acknowledged) >= KILL_AFTER_ACKNOWLEDGED,
            what=f"{KILL_AFTER_ACKNOWLEDGED} acknowledged appends",
        )
        kill_the_whole_server(first)
        for writer in writers:
            writer.join(timeout=60)
        assert not any(writer.is_alive() for writer in writers)
    assert appends.refused == []
    assert len(appends.unanswered) == WRITERS  # every writer was cut off mid-way

    acknowledged = set(appends.acknowledged)
    attempted = list(appends.bodies)
    copies = copies_in_the_log(database_url, attempted)
    assert {event_id: copies.get(event_id, 0) for event_id in acknowledged} == dict.fromkeys(
        acknowledged, 1
    )
    assert max(copies.values()) == 1  # an unanswered append is stored once or not at all

    # Started again, the server answers a retry of each append: stored already, or now.
    with Running(["serve"], environment, tmp_path / "second.log") as second:
        second.wait_until_healthy(base)
        with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
            for event_id in attempted:
                stream_id, event = appends.bodies[event_id]
                response = client.post(f"/streams/{stream_id}/events", json={"events": [event]})
                stored_already = {200} if event_id in acknowledged else {200, 201}
                assert response.status_code in stored_already, response.text
        second.stop()
    assert copies_in_the_log(database_url, attempted) == dict.fromkeys(attempted, 1)
