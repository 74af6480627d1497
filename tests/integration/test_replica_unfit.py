"""A replica that is no fit place for reads from the start: unreachable, or not a standby at
all. The API starts anyway, reads answer from the primary, and ``/ready``, ``/projections`` and
``/metrics`` say where they go and why. (A real streaming replica that pauses or stops:
tests/e2e/test_replica.py.)"""

from __future__ import annotations

import socket

import msgspec
from litestar.testing import AsyncTestClient

from service.app import create_app
from tests.integration.test_http_metrics import scrape, value


def total(text: str, name: str) -> float:
    """The sum of a metric's samples over all its labels."""
    return sum(
        float(line.rsplit(" ", 1)[1]) for line in text.splitlines() if line.startswith(name + "{")
    )


def unused_port() -> int:
    """A port nothing listens on (bound, then closed: connecting to it is refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def test_the_api_starts_and_reads_from_the_primary_while_the_replica_is_unreachable(
    database_url, settings
):
    replica_url = f"postgresql://postgres@127.0.0.1:{unused_port()}/postgres"
    with_replica = msgspec.structs.replace(settings, database_replica_url=replica_url)
    async with AsyncTestClient(create_app(with_replica, database_url)) as api:
        ready = await api.get("/ready")
        assert ready.status_code == 200, ready.text
        replica = ready.json()["replica"]
        assert replica["configured"] is True
        assert replica["reachable"] is False
        assert replica["reads_on"] == "primary"
        assert replica["lag_seconds"] is None

        before = value(await scrape(api), "policy_timeline_replica_fallbacks_total",
                       reason="unreachable")
        assert (await api.get("/agencies")).status_code == 200
        text = await scrape(api)
        assert value(text, "policy_timeline_replica_fallbacks_total",
                     reason="unreachable") == before + 1
        assert value(text, "policy_timeline_replica_configured") == 1
        assert value(text, "policy_timeline_replica_up") == 0
        assert value(text, "policy_timeline_reads_on_replica") == 0

        status = (await api.get("/projections")).json()
        assert status["replica"]["reachable"] is False
        assert all(projection["replica"] is None for projection in status["projections"])


async def test_a_replica_that_is_not_in_recovery_gets_no_reads(database_url, settings):
    # DATABASE_REPLICA_URL naming the primary itself, as a promoted replica would be.
    with_replica = msgspec.structs.replace(settings, database_replica_url=database_url)
    async with AsyncTestClient(create_app(with_replica, database_url)) as api:
        replica = (await api.get("/ready")).json()["replica"]
        assert replica["reachable"] is True
        assert replica["replay_paused"] is None and replica["lag_seconds"] is None
        assert replica["reads_on"] == "primary"

        before = value(await scrape(api), "policy_timeline_replica_fallbacks_total",
                       reason="not-a-standby")
        assert (await api.get("/agencies")).status_code == 200
        after = value(await scrape(api), "policy_timeline_replica_fallbacks_total",
                      reason="not-a-standby")
        assert after == before + 1


async def test_without_a_replica_reads_go_to_the_primary_and_nothing_is_said_to_fall_back(client):
    replica = (await client.get("/ready")).json()["replica"]
    assert replica == {
        "configured": False, "reachable": None, "replay_paused": None, "lag_seconds": None,
        "max_lag_seconds": 5.0, "last_replayed_at": None, "reads_on": "primary",
    }
    before = await scrape(client)
    assert (await client.get("/agencies")).status_code == 200
    after = await scrape(client)
    assert value(after, "policy_timeline_reads_total", database="primary") == value(
        before, "policy_timeline_reads_total", database="primary") + 1
    fallbacks = "policy_timeline_replica_fallbacks_total"
    assert total(after, fallbacks) == total(before, fallbacks)
    assert value(after, "policy_timeline_replica_configured") == 0
