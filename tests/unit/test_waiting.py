"""Commands wait a bounded time for PostgreSQL to accept connections, and say so."""

from __future__ import annotations

import logging
import socket
import time

import pytest

from service.operations.waiting import DatabaseUnavailable, wait_for_database


@pytest.fixture
def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_server_that_never_answers_is_tried_until_the_time_is_up_then_given_up(
    closed_port, caplog
):
    url = f"postgresql://postgres:secret@127.0.0.1:{closed_port}/timeline"
    caplog.set_level(logging.INFO, logger="service.operations.waiting")
    started = time.monotonic()

    with pytest.raises(DatabaseUnavailable) as raised:
        wait_for_database(url, 2.0, name=f"127.0.0.1:{closed_port}")

    assert time.monotonic() - started < 30
    message = str(raised.value)
    where = f"127.0.0.1:{closed_port}"
    assert f"PostgreSQL at {where} did not accept a connection within 2 s" in message
    assert "POLICY_TIMELINE_DATABASE_WAIT_SECONDS" in message
    waits = [r.getMessage() for r in caplog.records if r.getMessage().startswith("waiting for")]
    assert waits[0] == (
        f"waiting for PostgreSQL at 127.0.0.1:{closed_port}… attempt 1: connection refused"
    )
    assert len(waits) >= 2
    assert not any("secret" in text for text in [message, *waits])


def test_no_wait_means_one_attempt(closed_port, caplog):
    url = f"postgresql://postgres@127.0.0.1:{closed_port}/timeline"
    with pytest.raises(DatabaseUnavailable, match=r"within 0 s \(1 attempt;"):
        wait_for_database(url, 0, name="here")
