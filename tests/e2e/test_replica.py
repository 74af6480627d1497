"""A real streaming replica (``pg_basebackup``) under ``serve``: the query endpoints read from it
while it is healthy, writes go to the primary, and a client reads its own write through it with
``min_position``. While its replay is paused or the server is stopped, reads go to the primary
and keep answering, ``min_position`` reads still wait and answer, and ``/ready``,
``/projections`` and ``/metrics`` tell the operator; once it is back, reads return to it.

One primary, one replica and one ``serve`` for the module (they take seconds to make); each test
finds the replica running, replaying and read from, and leaves it so."""

from __future__ import annotations

import asyncio
import re
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import TypeVar

import asyncpg
import httpx
import pytest

from tests.e2e.postgres_cluster import Cluster, binaries_of
from tests.e2e.processes import Running, free_port
from tests.factories import agency
from tests.tokens import WRITER, bearer

T = TypeVar("T")

MAX_LAG = 1.0
"""``POLICY_TIMELINE_REPLICA_MAX_LAG_SECONDS`` of the service under test."""
MIN_POSITION_WAIT = 10.0


class Deployment:
    def __init__(self, primary: Cluster, replica: Cluster, base: str) -> None:
        self.primary = primary
        self.replica = replica
        self.base = base

    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=self.base, headers=bearer(WRITER), timeout=30)


@pytest.fixture(scope="module")
async def deployment(server_url, tmp_path_factory):
    bin_dir = await binaries_of(server_url)
    primary, replica = Cluster(bin_dir, "primary"), Cluster(bin_dir, "replica")
    try:
        await primary.start_migrated()
        replica.base_backup_of(primary)
        replica.start()
        assert await on(replica, "SELECT pg_is_in_recovery()"), "not a standby"
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        environment = {
            "DATABASE_URL": primary.url,
            "DATABASE_REPLICA_URL": replica.url,
            "POLICY_TIMELINE_PORT": str(port),
            "POLICY_TIMELINE_SEED_ON_START": "false",
            "POLICY_TIMELINE_POLL_INTERVAL": "0.2",
            "POLICY_TIMELINE_MIN_POSITION_WAIT_SECONDS": str(MIN_POSITION_WAIT),
            "POLICY_TIMELINE_REPLICA_CHECK_SECONDS": "0.2",
            "POLICY_TIMELINE_REPLICA_MAX_LAG_SECONDS": str(MAX_LAG),
            "POLICY_TIMELINE_WRITE_RATE_LIMIT": "0",
        }
        log = tmp_path_factory.mktemp("replica") / "serve.log"
        with Running(["serve"], environment, log) as serve:
            serve.wait_until_healthy(base)
            yield Deployment(primary, replica, base)
            serve.stop()
    finally:
        replica.stop()
        primary.stop()


@pytest.fixture
async def service(deployment):
    """The deployment with the replica running, replaying and read from; left so afterwards."""
    async with deployment.client() as client:
        await until(lambda: replica_state(client), lambda r: r["reads_on"] == "replica", 30,
                    "reads on the replica")
        yield deployment, client
    if not (deployment.replica.data / "postmaster.pid").exists():
        await asyncio.to_thread(deployment.replica.start)
    await on(deployment.replica, "SELECT pg_wal_replay_resume()")


async def on(cluster: Cluster, sql: str):
    connection = await asyncpg.connect(cluster.url, timeout=10)
    try:
        return await connection.fetchval(sql, timeout=10)
    finally:
        await connection.close()


async def until(
    ask: Callable[[], Awaitable[T]], condition: Callable[[T], bool], timeout: float, what: str
) -> T:
    """The first answer of ``ask()`` that meets ``condition``, asked every 0.1 s."""
    deadline = time.monotonic() + timeout
    while True:
        answer = await ask()
        if condition(answer):
            return answer
        if time.monotonic() > deadline:
            pytest.fail(f"no {what} within {timeout} s; the last answer: {answer}")
        await asyncio.sleep(0.1)


async def new_agency(client: httpx.AsyncClient, prefix: str) -> tuple[str, int]:
    """A new agency appended (to the primary): its id and its append's position."""
    agency_id = f"{prefix}-{uuid.uuid4().hex[:8]}"
    response = await client.post(
        f"/streams/agency-{agency_id}/events", json={"events": [agency(agency_id)]}
    )
    assert response.status_code == 201, response.text  # the replica is read-only
    return agency_id, response.json()["position"]


async def ready(client: httpx.AsyncClient) -> dict:
    response = await client.get("/ready")
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "ready"
    return response.json()


async def replica_state(client: httpx.AsyncClient) -> dict:
    return (await ready(client))["replica"]


async def metric(client: httpx.AsyncClient, name: str, **labels: str) -> float:
    """A sample's value; 0 when absent (a counter not yet touched)."""
    response = await client.get("/metrics")
    assert response.status_code == 200
    wanted = ",".join(f'{key}="{label}"' for key, label in labels.items())
    pattern = "^" + re.escape(name + (f"{{{wanted}}}" if wanted else "")) + r" (\S+)$"
    match = re.search(pattern, response.text, re.MULTILINE)
    return float(match[1]) if match else 0.0


async def reads_on(client: httpx.AsyncClient, database: str) -> float:
    return await metric(client, "policy_timeline_reads_total", database=database)


async def test_a_client_reads_its_own_write_through_the_replica(service):
    _, client = service
    agency_id, position = await new_agency(client, "own-write")
    reads = await reads_on(client, "replica") + await reads_on(client, "primary")

    read = await client.get(f"/agencies/{agency_id}", params={"min_position": position})
    assert read.status_code == 200, read.text
    assert read.json()["agency_id"] == agency_id
    # Usually from the replica; from the primary if the replica took longer than its lag
    # bound to replay the fold (which database reads go to: the next test).
    assert await reads_on(client, "replica") + await reads_on(client, "primary") == reads + 1


async def test_reads_go_to_the_replica_while_it_is_healthy(service):
    _, client = service
    replica = await replica_state(client)
    assert replica["configured"] and replica["reachable"]
    assert replica["replay_paused"] is False
    assert replica["lag_seconds"] <= MAX_LAG
    assert replica["max_lag_seconds"] == MAX_LAG

    on_replica, on_primary = await reads_on(client, "replica"), await reads_on(client, "primary")
    for path in ("/agencies", "/agencies/test-ministry", "/statements", "/"):
        assert (await client.get(path)).status_code in (200, 404)
    assert await reads_on(client, "replica") == on_replica + 4
    assert await reads_on(client, "primary") == on_primary
    assert await metric(client, "policy_timeline_replica_up") == 1
    assert await metric(client, "policy_timeline_reads_on_replica") == 1


async def test_a_paused_replica_sends_reads_to_the_primary_until_it_replays_again(service):
    deployment, client = service
    await on(deployment.replica, "SELECT pg_wal_replay_pause()")
    agency_id, position = await new_agency(client, "paused")

    # A read that must see the write answers from the primary within its wait.
    read = await client.get(f"/agencies/{agency_id}", params={"min_position": position})
    assert read.status_code == 200, read.text
    # Without min_position, the write shows once the replica lags past its bound.
    await until(lambda: client.get(f"/agencies/{agency_id}"), lambda r: r.status_code == 200,
                MAX_LAG + 10, "the new agency on a plain read")

    replica = await until(lambda: replica_state(client), lambda r: r["reads_on"] == "primary",
                          10, "reads on the primary")
    assert replica["reachable"] and replica["replay_paused"]
    assert replica["lag_seconds"] > MAX_LAG

    status = (await client.get("/projections")).json()
    assert status["replica"]["reads_on"] == "primary"
    for projection in status["projections"]:
        # The replica's copy of each checkpoint is behind the primary's, by the new agency.
        assert projection["replica"]["checkpoint"] != projection["checkpoint"], projection
        assert projection["replica"]["events_behind"] >= 1, projection
        assert projection["events_behind"] == 0, projection

    assert await metric(client, "policy_timeline_replica_lag_seconds") > MAX_LAG
    assert await metric(client, "policy_timeline_replica_replay_paused") == 1
    assert await metric(client, "policy_timeline_reads_on_replica") == 0
    lagging = await metric(client, "policy_timeline_replica_fallbacks_total", reason="lagging")
    on_primary = await reads_on(client, "primary")
    assert (await client.get("/agencies")).status_code == 200
    assert await reads_on(client, "primary") == on_primary + 1
    assert await metric(
        client, "policy_timeline_replica_fallbacks_total", reason="lagging"
    ) == lagging + 1

    await on(deployment.replica, "SELECT pg_wal_replay_resume()")
    replica = await until(lambda: replica_state(client), lambda r: r["reads_on"] == "replica",
                          15, "reads back on the replica")
    assert replica["replay_paused"] is False and replica["lag_seconds"] <= MAX_LAG
    on_replica = await reads_on(client, "replica")
    assert (await client.get(f"/agencies/{agency_id}")).status_code == 200
    assert await reads_on(client, "replica") == on_replica + 1


async def test_a_stopped_replica_sends_reads_to_the_primary_under_load(service):
    deployment, client = service
    agency_id, _ = await new_agency(client, "known")
    reads: list[int] = []
    writes: list[int] = []
    stop = asyncio.Event()

    async def count() -> int:
        return len(reads)

    async def read_loop() -> None:
        while not stop.is_set():
            for path in ("/agencies", f"/agencies/{agency_id}", "/statements"):
                reads.append((await client.get(path)).status_code)

    async def write_loop() -> None:
        while not stop.is_set():
            agency_id = f"load-{uuid.uuid4().hex[:8]}"
            response = await client.post(
                f"/streams/agency-{agency_id}/events", json={"events": [agency(agency_id)]}
            )
            writes.append(response.status_code)

    load = [asyncio.create_task(read_loop()) for _ in range(4)]
    load.append(asyncio.create_task(write_loop()))
    try:
        await until(count, lambda n: n >= 20, 20, "reads")
        await asyncio.to_thread(deployment.replica.halt)
        replica = await until(lambda: replica_state(client), lambda r: not r["reachable"],
                              10, "the replica unreachable in /ready")
        assert replica["reads_on"] == "primary"
        # A read that must see a write made now waits for it, on the primary, and answers.
        written, position = await new_agency(client, "while-stopped")
        read = await client.get(f"/agencies/{written}", params={"min_position": position})
        assert read.status_code == 200, read.text
        stopped_at = len(reads)
        await until(count, lambda n: n >= stopped_at + 40, 20,
                    "reads while the replica is stopped")
    finally:
        stop.set()
        await asyncio.gather(*load)

    assert set(reads) == {200}, sorted(set(reads))
    assert set(writes) == {201}, sorted(set(writes))
    assert await metric(client, "policy_timeline_replica_up") == 0
    assert await metric(client, "policy_timeline_reads_on_replica") == 0
    assert await metric(
        client, "policy_timeline_replica_fallbacks_total", reason="unreachable"
    ) > 0
    assert (await client.get("/projections")).json()["replica"]["reachable"] is False

    await asyncio.to_thread(deployment.replica.start)
    await until(lambda: replica_state(client), lambda r: r["reads_on"] == "replica", 30,
                "reads back on the replica")
    on_replica = await reads_on(client, "replica")
    assert (await client.get(f"/agencies/{written}")).status_code == 200
    assert await reads_on(client, "replica") == on_replica + 1
