"""Waiting for the database: a server that answers is used at once; one that refuses for a
reason waiting does not cure is not waited for; a command that gives up says why and fails."""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import time

import pytest

from service import database
from service.operations.waiting import DatabaseUnavailable, wait_for_database


def test_a_server_that_answers_is_not_waited_for(database_url, caplog):
    caplog.set_level(logging.INFO, logger="service.operations.waiting")
    wait_for_database(database_url, 60, name="the test database")
    assert not [r for r in caplog.records if "waiting for" in r.getMessage()]


def test_a_database_that_does_not_exist_fails_at_once(server_url):
    missing = database.with_database(server_url, "pt_no_such_database")
    started = time.monotonic()
    with pytest.raises(DatabaseUnavailable, match=r"refused the connection.*pt_no_such_database"):
        wait_for_database(missing, 60, name="the missing database")
    assert time.monotonic() - started < 30


def test_migrate_against_a_server_that_never_comes_exits_non_zero_and_says_so():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    environment = {
        **os.environ,
        "DATABASE_URL": f"postgresql://postgres:secret@127.0.0.1:{port}/timeline",
        "POLICY_TIMELINE_DATABASE_WAIT_SECONDS": "1",
    }
    result = subprocess.run(
        [sys.executable, "-m", "service.cli", "migrate"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    where = f"postgresql://postgres:***@127.0.0.1:{port}/timeline"
    assert f"waiting for PostgreSQL at {where}… attempt 1" in result.stderr
    assert f"policy-timeline: PostgreSQL at {where} did not accept a connection within 1 s" in (
        result.stderr
    )
    assert "secret" not in result.stderr + result.stdout
