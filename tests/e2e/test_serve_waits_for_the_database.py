"""``serve`` started before its PostgreSQL waits for it, then starts as usual: no restart."""

from __future__ import annotations

import httpx

from tests.e2e.clusters import Cluster
from tests.e2e.processes import Running, free_port, until


def test_serve_started_before_postgresql_waits_for_it_and_becomes_healthy(
    tmp_path, server_folder
):
    cluster = Cluster(server_folder, free_port())
    cluster.create()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    environment = {
        "DATABASE_URL": cluster.url,
        "POLICY_TIMELINE_PORT": str(port),
        "POLICY_TIMELINE_DATABASE_WAIT_SECONDS": "120",
    }
    try:
        with Running(["serve"], environment, tmp_path / "serve.log") as serve:
            waiting = f"waiting for PostgreSQL at {cluster.url}… attempt 2"
            until(lambda: waiting in serve.output(), what="serve waiting for PostgreSQL")
            assert serve.process.poll() is None

            cluster.start()

            serve.wait_until_healthy(base)
            assert until(
                lambda: httpx.get(f"{base}/agencies").json()["agencies"], what="the seed"
            )
            assert "accepts connections" in serve.output()
            serve.stop()
    finally:
        cluster.stop()
