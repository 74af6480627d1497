"""``GET /projections`` and ``POST /projections/{name}/replay`` over HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import pytest
from litestar.testing import AsyncTestClient

from service.app import create_app
from service.projections.rebuild import Rebuild
from service.settings import Settings
from tests.integration.projector.helpers import (
    COUNTS,
    caught_up,
    every_event_readable,
    given_events,
    last_committed,
    until,
)
from tests.tokens import ADMIN, WRITER, bearer

PROBLEM = "application/problem+json"
# With no token configured the admin guard takes any bearer token; an anonymous caller
# still gets the redacted answer.


@pytest.fixture
async def client_with(database_url, counts_table) -> AsyncIterator[Callable[..., object]]:
    """The API with the test projection registered, on settings of the test's choosing."""
    clients = []

    async def start(**settings: object) -> AsyncTestClient:
        options = {"seed_on_start": False, "poll_interval_seconds": 0.2, **settings}
        app = create_app(Settings(**options), database_url, projections=[COUNTS])
        client = AsyncTestClient(app)
        await client.__aenter__()
        client.headers.update(bearer(ADMIN))
        clients.append(client)
        return client

    yield start
    for client in clients:
        await client.__aexit__(None, None, None)


async def only_projection(client, headers=None) -> dict:
    response = await client.get("/projections", headers=headers)
    assert response.status_code == 200
    [projection] = response.json()["projections"]
    return projection


async def test_a_projection_nobody_runs_shows_how_far_behind_it_is(store, pool, client_with):
    client = await client_with(run_projector=False)
    await given_events(store, "organization-a", 3)
    await every_event_readable(store, pool)

    projection = await only_projection(client)
    assert projection["name"] == "stream_counts"
    assert projection["checkpoint"] == "0-0"
    assert projection["events_behind"] == 3
    assert projection["seconds_behind"] > 0
    assert projection["leader"] is None and projection["leader_backend_pid"] is None
    assert projection["replay"] is None


async def test_a_running_projection_shows_its_checkpoint_and_no_lag_once_caught_up(
    store, pool, client_with
):
    client = await client_with()
    await given_events(store, "organization-a", 3)
    await caught_up(store, pool)
    await every_event_readable(store, pool)

    projection = await only_projection(client)
    assert projection["checkpoint"] == str(await last_committed(pool))
    assert projection["events_applied"] == 3
    assert projection["events_behind"] == 0 and projection["seconds_behind"] == 0
    assert projection["leader"] is True and isinstance(projection["leader_backend_pid"], int)


async def test_a_replay_answers_202_and_its_progress_shows_until_it_completes(
    store, pool, client_with
):
    client = await client_with(run_projector=False)
    await given_events(store, "organization-a", 3)
    await every_event_readable(store, pool)

    response = await client.post("/projections/stream_counts/replay")
    assert response.status_code == 202
    assert response.headers["location"] == "/projections"
    started = response.json()
    assert started["name"] == "stream_counts" and started["state"] == "building"
    assert started["events_total"] == 3

    await until(lambda: _replay_state(client, "completed"))
    projection = await only_projection(client)
    assert projection["replay"]["events_done"] == 3
    assert projection["events_applied"] == 3 and projection["events_behind"] == 0


async def test_replaying_an_unknown_projection_is_a_404_problem(client_with):
    client = await client_with(run_projector=False)
    response = await client.post("/projections/nothing-like-it/replay")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith(PROBLEM)
    assert response.json()["type"] == "/problems/projection-not-found"


async def test_a_replay_while_another_runs_is_a_409_problem(database_url, client_with):
    client = await client_with(run_projector=False)
    running = await Rebuild.begin(database_url, COUNTS)
    try:
        response = await client.post("/projections/stream_counts/replay")
    finally:
        await running.run()
    assert response.status_code == 409
    assert response.json()["type"] == "/problems/replay-running"


async def test_a_replay_needs_an_admin_token(client_with):
    client = await client_with(run_projector=False)
    anonymous = await client.post("/projections/stream_counts/replay", headers={"Authorization": ""})
    wrong = await client.post("/projections/stream_counts/replay", headers=bearer(WRITER))
    assert (anonymous.status_code, wrong.status_code) == (401, 403)

    admin = await client.post("/projections/stream_counts/replay", headers=bearer(ADMIN))
    assert admin.status_code == 202
    await until(lambda: _replay_state(client, "completed"))


async def _replay_state(client, state: str) -> bool:
    replay = (await only_projection(client))["replay"]
    return replay is not None and replay["state"] == state


async def test_an_anonymous_caller_sees_no_error_texts_pids_or_blocking_transaction(
    store, pool, client_with
):
    client = await client_with()
    await given_events(store, "organization-a", 1)
    await caught_up(store, pool)
    await pool.execute("UPDATE projection_checkpoints SET last_error = 'boom at 10.0.0.7:5432'")
    for headers in ({"Authorization": ""}, {"Authorization": "Bearer guess"}, bearer(WRITER)):
        body = (await client.get("/projections", headers=headers)).json()
        assert body["redacted"] is True and body["feed"]["blocking"] is None
        [projection] = body["projections"]
        assert projection["leader_backend_pid"] is None and projection["last_error"] is None
        assert "10.0.0.7" not in str(body)
    admin = (await client.get("/projections", headers=bearer(ADMIN))).json()
    assert admin["redacted"] is False
    [projection] = admin["projections"]
    assert isinstance(projection["leader_backend_pid"], int)
    assert projection["last_error"] == "boom at 10.0.0.7:5432"
