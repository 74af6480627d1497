"""Read your writes: a read with ``min_position`` answers once the read models include that
position, or after a bounded wait with a 503 and Retry-After."""

from __future__ import annotations

import asyncio
import threading

import asyncpg
import msgspec
import pytest
from litestar.testing import AsyncTestClient

from service import database
from service.app import create_app
from service.read_routing import ReadRouting
from tests.conftest import cloned_database
from tests.deadlines import DEADLINE
from tests.factories import agency, append, source
from tests.integration.read_models.conftest import catch_up
from tests.integration.test_http_metrics import scrape, value
from tests.tokens import ADMIN, bearer


@pytest.fixture
async def api(database_url, settings, request):
    """The API; a read with ``min_position`` waits 0.5 s, or as long as the test's
    ``wait_seconds`` mark says."""
    mark = request.node.get_closest_marker("wait_seconds")
    wait = mark.args[0] if mark else 0.5
    quick = msgspec.structs.replace(settings, min_position_wait_seconds=wait)
    async with AsyncTestClient(create_app(quick, database_url)) as client:
        client.headers.update(bearer(ADMIN))
        yield client


async def appended_position(api) -> int:
    assert (await append(api, "source-test-source", source())).status_code == 201
    response = await append(api, "agency-test-ministry", agency())
    assert response.status_code == 201
    body = response.json()
    assert body["position"] == body["events"][-1]["position"]
    return body["position"]


@pytest.mark.wait_seconds(30)
async def test_a_read_waits_for_its_position_and_then_shows_the_write(api, database_url):
    position = await appended_position(api)

    async def fold_soon() -> None:
        await asyncio.sleep(0.3)
        pool = await asyncpg.create_pool(database_url, min_size=1, max_size=2)
        try:
            await catch_up(pool)
        finally:
            await pool.close()

    # The test client blocks this loop while it waits for the answer: fold on another thread.
    folding = threading.Thread(target=asyncio.run, args=(fold_soon(),))
    folding.start()
    response = await api.get("/agencies/test-ministry", params={"min_position": position})
    folding.join(DEADLINE)
    assert not folding.is_alive(), f"the fold did not end within {DEADLINE:g} s"
    assert response.status_code == 200, response.text
    assert response.json()["agency_id"] == "test-ministry"


async def test_a_position_not_reached_in_time_is_a_503_with_retry_after(api, pool):
    position = await appended_position(api)
    response = await api.get("/agencies", params={"min_position": position})
    assert response.status_code == 503
    assert response.headers["retry-after"]
    assert response.json()["type"] == "/problems/not-yet-visible"

    await catch_up(pool)
    assert (await api.get("/agencies", params={"min_position": position})).status_code == 200


async def test_a_position_beyond_the_log_is_not_yet_visible(api, pool):
    position = await appended_position(api)
    await catch_up(pool)
    response = await api.get("/statements", params={"min_position": position + 1000})
    assert response.status_code == 503


@pytest.mark.parametrize("value", ["0", "-3", "abc", "1.5"])
async def test_a_malformed_min_position_is_a_400(api, value):
    response = await api.get("/agencies", params={"min_position": value})
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")


@pytest.mark.wait_seconds(5)
async def test_a_read_the_replica_has_not_reached_is_answered_from_the_primary_after_its_lag_bound(
    api, pool, server_url, template_name
):
    """With a replica whose copy never reaches the position (here a database of its own, as a
    replica whose replay stopped between two checks would be) a ``min_position`` read waits on
    it for the replica's lag bound (or half its wait, if shorter), then finds the position on the
    primary and answers from there, long before the monitor would give up on the replica."""
    app = api.app
    async with cloned_database(server_url, template_name, prefix="pt_stale") as stale_url:

        async def routing_to_the_stale_copy() -> ReadRouting:
            stale = await database.create_pool(stale_url, app.state.settings, min_size=1)
            routing = ReadRouting(app.state.pool, stale, max_lag_seconds=1.0)
            # What a check of a reachable replica within its lag bound leaves.
            routing.reads_on_replica, routing.fallback_reason = True, None
            return routing

        # The app runs on the test client's own event loop: its pools must be made there.
        routing = api.blocking_portal.call(routing_to_the_stale_copy)
        app.state.read_routing = routing
        try:
            position = await appended_position(api)
            await catch_up(pool)  # on the primary; the stale copy never folds it

            before = value(await scrape(api), "policy_timeline_replica_fallbacks_total",
                           reason="min-position")
            response = await api.get("/agencies/test-ministry", params={"min_position": position})
            assert response.status_code == 200, response.text
            assert response.json()["agency_id"] == "test-ministry"
            after = value(await scrape(api), "policy_timeline_replica_fallbacks_total",
                          reason="min-position")
            assert after == before + 1
            # A read without min_position goes to the (stale) replica, which lacks the agency.
            assert (await api.get("/agencies/test-ministry")).status_code == 404
        finally:
            api.blocking_portal.call(routing.replica.close)
