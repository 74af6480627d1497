"""``serve`` keeps the projector in a process apart from its API workers; ``project`` alone keeps
a database's projections current for an API that runs no projector.

Where the leadership lives is seen from the database, whatever the connection's transport:
``GET /projections`` names each leader's backend, ``pg_stat_activity`` says which connection
that is, and killing one process ends exactly the connections that process held.
"""

from __future__ import annotations

import asyncio
import signal

import asyncpg
import httpx

from events.seed import load_seed
from tests.e2e.processes import Running, free_port, still_running, until
from tests.factories import agency, initiative, source
from tests.tokens import ADMIN, WRITER, bearer

API_POOL = "policy-timeline"
"""The application_name of the API processes' pooled connections."""

QUICK_POLL = {"POLICY_TIMELINE_POLL_INTERVAL": "0.5"}
SEEDED_AGENCIES = {
    e.stream_id.removeprefix("agency-") for e in load_seed() if e.type == "agency.registered"
}
"""An event becomes readable only when every older transaction of the server has ended (other
test sessions' included); after a longer stall, a reader looks again at its next poll."""


def connections_by_backend(database_url: str) -> dict[int, str]:
    """Backend pid -> application_name, for every other connection to the database."""

    async def query() -> dict[int, str]:
        connection = await asyncpg.connect(database_url)
        try:
            rows = await connection.fetch(
                """SELECT pid, application_name FROM pg_stat_activity
                   WHERE datname = current_database() AND pid <> pg_backend_pid()"""
            )
        finally:
            await connection.close()
        return {row["pid"]: row["application_name"] for row in rows}

    return asyncio.run(query())


def projections_as_admin(base: str) -> dict:
    """``GET /projections`` with a bearer token, which shows backend pids (no token is
    configured, so any bearer token is an admin's)."""
    return httpx.get(f"{base}/projections", headers=bearer(ADMIN)).json()


def projector_leaders(base: str, database_url: str) -> set[int] | None:
    """The backends leading the projections, once every projection has a leader; each must be
    a projector's connection."""
    projections = projections_as_admin(base)["projections"]
    leaders = {projection["leader_backend_pid"] for projection in projections}
    if None in leaders:
        return None
    connections = connections_by_backend(database_url)
    assert all(connections[pid].startswith("policy-timeline projector") for pid in leaders)
    return leaders


def api_pool_backends(database_url: str) -> set[int]:
    return {pid for pid, name in connections_by_backend(database_url).items() if name == API_POOL}


def agency_ids(base: str) -> set[str]:
    return {agency["agency_id"] for agency in httpx.get(f"{base}/agencies").json()["agencies"]}


def timeline_event_ids(base: str, agency_id: str) -> set[str]:
    response = httpx.get(f"{base}/agencies/{agency_id}/timeline")
    if not response.is_success:  # 404 until the agency is projected
        return set()
    return {entry["event_id"] for entry in response.json()["entries"]}


def append(base: str, stream_id: str, event: dict) -> str:
    response = httpx.post(
        f"{base}/streams/{stream_id}/events", json={"events": [event]}, headers=bearer(WRITER)
    )
    assert response.status_code == 201, response.text
    return event["id"]


def given_the_test_ministry(base: str) -> None:
    append(base, "source-test-source", source())
    append(base, "agency-test-ministry", agency())


def announce(base: str, initiative_id: str) -> str:
    """An initiative of the test ministry, appended over HTTP; its event id."""
    return append(base, f"initiative-{initiative_id}", initiative(initiative_id))


def test_serve_runs_two_api_workers_and_the_projector_in_a_process_of_its_own(
    database_url, tmp_path
):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    environment = {"DATABASE_URL": database_url, "POLICY_TIMELINE_PORT": str(port), **QUICK_POLL}

    with Running(["serve", "--workers", "2"], environment, tmp_path / "serve.log") as serve:
        serve.wait_until_healthy(base)
        assert until(lambda: agency_ids(base) == SEEDED_AGENCIES, what="the seeded agencies")

        projector = serve.child_running("project")
        uvicorn = serve.child_running("uvicorn")
        workers = [p for p in uvicorn.children() if "spawn_main" in " ".join(p.cmdline())]
        assert len(workers) == 2
        assert projector.pid not in {uvicorn.pid, *(worker.pid for worker in workers)}

        leaders = until(lambda: projector_leaders(base, database_url), what="leaders")
        pools = until(lambda: api_pool_backends(database_url), what="the API's connections")
        given_the_test_ministry(base)
        first = announce(base, "test-plan")
        until(lambda: first in timeline_event_ids(base, "test-ministry"), what="the first event")

        # Killing the projector process ends every leader's connection and none of the API's.
        projector.kill()
        until(lambda: not leaders & connections_by_backend(database_url).keys(), what="the end")
        assert pools <= api_pool_backends(database_url)
        replacement = until(
            lambda: serve.child_running("project", other_than=projector.pid),
            what="a new projector process",
        )
        new_leaders = until(lambda: projector_leaders(base, database_url), what="new leaders")
        assert not new_leaders & leaders
        second = announce(base, "test-plan-2")
        until(lambda: second in timeline_event_ids(base, "test-ministry"), what="the second event")

        # A replay runs in whichever API worker is asked, beside the projector process.
        response = httpx.post(f"{base}/projections/agencies/replay", headers=bearer(ADMIN))
        assert response.status_code == 202, response.text

        def replay_completed() -> bool:
            projections = projections_as_admin(base)["projections"]
            [agencies] = [p for p in projections if p["name"] == "agencies"]
            return agencies["replay"] is not None and agencies["replay"]["state"] == "completed"

        until(replay_completed, what="the replay")
        assert agency_ids(base) == SEEDED_AGENCIES | {"test-ministry"}

        everything = serve.tree()
        assert replacement in everything
        output = serve.stop()
    # uvicorn's resource tracker ends a moment after its parent; nothing may outlive that.
    until(lambda: not still_running(everything), timeout=10, what="every process ending")
    assert f"projector (pid {projector.pid}) was killed by SIGKILL; starting another" in output


def test_project_alone_keeps_the_projections_current_for_an_api_that_runs_none(
    database_url, tmp_path
):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    environment = {"DATABASE_URL": database_url, "POLICY_TIMELINE_PORT": str(port), **QUICK_POLL}

    with Running(["serve", "--projector", "off"], environment, tmp_path / "api.log") as api:
        api.wait_until_healthy(base)
        assert api.child_running("project") is None
        projections = projections_as_admin(base)["projections"]
        assert {p["leader_backend_pid"] for p in projections} == {None}
        assert {p["leader"] for p in projections} == {None}  # this API runs no projector
        assert agency_ids(base) == set()  # seeded, but nobody folds the events

        project_environment = {"DATABASE_URL": database_url, **QUICK_POLL}
        with Running(["project"], project_environment, tmp_path / "project.log") as projector:
            assert until(lambda: agency_ids(base) == SEEDED_AGENCIES, what="the seeded agencies")
            until(lambda: projector_leaders(base, database_url), what="leaders")
            given_the_test_ministry(base)
            appended = announce(base, "test-plan")
            until(lambda: appended in timeline_event_ids(base, "test-ministry"), what="the event")
            projector.stop(signal.SIGTERM)

        projections = projections_as_admin(base)["projections"]
        assert {p["leader_backend_pid"] for p in projections} == {None}  # leadership released
        api.stop(signal.SIGHUP)
