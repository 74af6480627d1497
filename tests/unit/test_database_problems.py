"""Each way the database can fail a request maps to its problem; the real failures are tested
against PostgreSQL in tests/integration/test_database_unavailable.py."""

from __future__ import annotations

import asyncpg
import pytest
from litestar import Litestar, get
from litestar.testing import TestClient

from service.http.problems import exception_handlers, problem_details_plugin

FAILURES = {
    "pool acquire timeout": (TimeoutError(), 503, "/problems/database-timeout"),
    "statement timeout": (
        asyncpg.QueryCanceledError("canceling statement due to statement timeout"),
        503,
        "/problems/database-timeout",
    ),
    "connection refused": (
        ConnectionRefusedError(111, "Connect call failed ('10.0.0.7', 5432)"),
        503,
        "/problems/database-unavailable",
    ),
    "server starting up": (
        asyncpg.CannotConnectNowError("the database system is starting up"),
        503,
        "/problems/database-unavailable",
    ),
    "server shutting down": (
        asyncpg.AdminShutdownError("terminating connection due to administrator command"),
        503,
        "/problems/database-unavailable",
    ),
    "connection lost mid-query": (
        asyncpg.ConnectionDoesNotExistError("connection was closed in the middle of operation"),
        503,
        "/problems/database-unavailable",
    ),
    "too many connections": (
        asyncpg.TooManyConnectionsError("sorry, too many clients already"),
        503,
        "/problems/database-unavailable",
    ),
    "closed connection": (
        asyncpg.InterfaceError("connection is closed"),
        503,
        "/problems/database-unavailable",
    ),
    "misuse of a connection": (
        asyncpg.InterfaceError("cannot perform operation: another operation is in progress"),
        500,
        "/problems/internal-error",
    ),
}


@pytest.mark.parametrize(("error", "status", "problem_type"), FAILURES.values(), ids=FAILURES)
def test_a_database_failure_is_a_problem_that_names_no_server(error, status, problem_type):
    @get("/fails")
    async def fails() -> None:
        raise error

    with TestClient(Litestar([fails], plugins=[problem_details_plugin()], exception_handlers=exception_handlers())) as client:
        response = client.get("/fails")
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["type"] == problem_type
    assert ("retry-after" in response.headers) == (status == 503)
    assert "10.0.0.7" not in response.text and "5432" not in response.text


def test_every_api_statement_has_a_client_side_deadline_past_the_servers():
    from service.database import command_timeout
    from service.settings import Settings

    assert command_timeout(Settings(statement_timeout_seconds=10)) == 11
    assert command_timeout(Settings(statement_timeout_seconds=0)) is None
