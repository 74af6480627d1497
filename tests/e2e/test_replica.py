"""A real streaming replica: the query endpoints read from it, writes go to the primary, and a
client reads its own write through the replica with ``min_position``."""

from __future__ import annotations


import asyncpg
import httpx
import pytest

from tests.e2e.postgres_cluster import Cluster, binaries_of
from tests.e2e.processes import Running, free_port
from tests.factories import agency, source
from tests.tokens import WRITER, bearer


@pytest.fixture
async def primary_and_replica(server_url):
    bin_dir = await binaries_of(server_url)
    primary, replica = Cluster(bin_dir, "primary"), Cluster(bin_dir, "replica")
    try:
        await primary.start_migrated()
        replica.base_backup_of(primary)
        replica.start()
        yield primary, replica
    finally:
        replica.stop()
        primary.stop()


async def api_connections(url: str) -> int:
    connection = await asyncpg.connect(url)
    try:
        return await connection.fetchval(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'policy-timeline'"
        )
    finally:
        await connection.close()


async def test_a_client_reads_its_own_write_through_the_replica(primary_and_replica, tmp_path):
    primary, replica = primary_and_replica
    connection = await asyncpg.connect(replica.url)
    try:
        assert await connection.fetchval("SELECT pg_is_in_recovery()"), "not a standby"
    finally:
        await connection.close()

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    environment = {
        "DATABASE_URL": primary.url,
        "DATABASE_REPLICA_URL": replica.url,
        "POLICY_TIMELINE_PORT": str(port),
        "POLICY_TIMELINE_SEED_ON_START": "false",
        "POLICY_TIMELINE_POLL_INTERVAL": "0.2",
        "POLICY_TIMELINE_MIN_POSITION_WAIT_SECONDS": "30",
    }
    with Running(["serve"], environment, tmp_path / "serve.log") as serve:
        serve.wait_until_healthy(base)
        async with httpx.AsyncClient(base_url=base, headers=bearer(WRITER)) as client:
            for stream_id, event in (("source-test-source", source()),
                                     ("agency-test-ministry", agency())):
                response = await client.post(f"/streams/{stream_id}/events", json={"events": [event]})
                assert response.status_code == 201, response.text  # the replica is read-only
            position = response.json()["position"]

            read = await client.get("/agencies/test-ministry", params={"min_position": position})
            assert read.status_code == 200, read.text
            assert read.json()["agency_id"] == "test-ministry"
        assert await api_connections(replica.url) > 0, "no read went to the replica"
        serve.stop()
