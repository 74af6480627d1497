"""``serve`` keeps the projector in a process apart from its API workers; ``project`` alone keeps
a database's projections current for an API that runs no projector.

Which process holds a projection's leadership is seen from both ends: ``GET /projections``
names the leader's backend, ``pg_stat_activity`` gives that backend's client port, and the
operating system tells which process owns the socket on that port.
"""

from __future__ import annotations

import asyncio
import signal

import asyncpg
import httpx
import psutil

from tests.e2e.processes import (
    Running,
    free_port,
    owners_of_local_ports,
    still_running,
    until,
)
from tests.factories import agency, initiative, source

API_POOL = "policy-timeline"
"""The application_name of the API processes' pooled connections."""

QUICK_POLL = {"POLICY_TIMELINE_POLL_INTERVAL": "0.5"}
"""An event becomes readable only when every older transaction of the server has ended (other
test sessions' included); after a longer stall, a reader looks again at its next poll."""


def database_connections(database_url: str) -> list[asyncpg.Record]:
    async def query() -> list[asyncpg.Record]:
        connection = await asyncpg.connect(database_url)
        try:
            return await connection.fetch(
                """SELECT pid, application_name, client_port FROM pg_stat_activity
                   WHERE datname = current_database() AND pid <> pg_backend_pid()"""
            )
        finally:
            await connection.close()

    return asyncio.run(query())


def leader_pids(base: str, database_url: str, running: Running) -> set[int] | None:
    """The pids of the processes holding every projection's leadership; None while some
    projection has no leader."""
    projections = httpx.get(f"{base}/projections").json()["projections"]
    backends = {projection["leader_backend_pid"] for projection in projections}
    if None in backends:
        return None
    rows = [row for row in database_connections(database_url) if row["pid"] in backends]
    assert all(row["application_name"].startswith("policy-timeline projector") for row in rows)
    processes = [psutil.Process(running.pid), *running.tree()]
    owners = owners_of_local_ports(processes, {row["client_port"] for row in rows})
    return set(owners.values()) if len(owners) == len(backends) else None


def api_worker_pids(database_url: str, serve: Running) -> set[int]:
    ports = {
        row["client_port"]
        for row in database_connections(database_url)
        if row["application_name"] == API_POOL
    }
    return set(owners_of_local_ports(serve.tree(), ports).values())


def agency_ids(base: str) -> set[str]:
    return {agency["agency_id"] for agency in httpx.get(f"{base}/agencies").json()["agencies"]}


def timeline_event_ids(base: str, agency_id: str) -> set[str]:
    response = httpx.get(f"{base}/agencies/{agency_id}/timeline")
    if not response.is_success:  # 404 until the agency is projected
        return set()
    return {entry["event_id"] for entry in response.json()["entries"]}


def append(base: str, stream_id: str, event: dict) -> str:
    response = httpx.post(f"{base}/streams/{stream_id}/events", json={"events": [event]})
    assert response.status_code == 201, response.text
    return event["id"]


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
        assert until(lambda: agency_ids(base) == {"mss", "pipc"}, what="the seeded agencies")

        projector = serve.child_running("project")
        assert projector is not None, serve.output()
        assert until(lambda: leader_pids(base, database_url, serve)) == {projector.pid}

        def two_api_workers() -> set[int] | None:
            workers = api_worker_pids(database_url, serve)
            return workers if len(workers) == 2 else None

        workers = until(two_api_workers, what="two API workers with connections")
        assert projector.pid not in workers and serve.pid not in workers

        append(base, "source-test-source", source())
        append(base, "agency-test-ministry", agency())
        first = announce(base, "test-plan")
        until(lambda: first in timeline_event_ids(base, "test-ministry"), what="the first event")

        projector.kill()
        replacement = until(
            lambda: serve.child_running("project", other_than=projector.pid),
            what="a new projector process",
        )
        assert until(lambda: leader_pids(base, database_url, serve) == {replacement.pid})
        second = announce(base, "test-plan-2")
        until(lambda: second in timeline_event_ids(base, "test-ministry"), what="the second event")

        # A replay runs in whichever API worker is asked, beside the projector process.
        response = httpx.post(f"{base}/projections/agencies/replay")
        assert response.status_code == 202, response.text

        def replay_completed() -> bool:
            projections = httpx.get(f"{base}/projections").json()["projections"]
            [agencies] = [p for p in projections if p["name"] == "agencies"]
            return agencies["replay"] is not None and agencies["replay"]["state"] == "completed"

        until(replay_completed, what="the replay")
        assert agency_ids(base) == {"mss", "pipc", "test-ministry"}

        everything = serve.tree()
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
        projections = httpx.get(f"{base}/projections").json()["projections"]
        assert {p["leader_backend_pid"] for p in projections} == {None}
        assert {p["leader"] for p in projections} == {None}  # this API runs no projector
        assert agency_ids(base) == set()  # seeded, but nobody folds the events

        log = tmp_path / "project.log"
        project_environment = {"DATABASE_URL": database_url, **QUICK_POLL}
        with Running(["project"], project_environment, log) as projector:
            assert until(lambda: agency_ids(base) == {"mss", "pipc"}, what="the seeded agencies")
            assert until(lambda: leader_pids(base, database_url, projector)) == {projector.pid}
            append(base, "source-test-source", source())
            append(base, "agency-test-ministry", agency())
            appended = announce(base, "test-plan")
            until(lambda: appended in timeline_event_ids(base, "test-ministry"), what="the event")
            projector.stop(signal.SIGTERM)

        projections = httpx.get(f"{base}/projections").json()["projections"]
        assert {p["leader_backend_pid"] for p in projections} == {None}  # leadership released
        api.stop(signal.SIGHUP)
