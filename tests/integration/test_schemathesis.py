"""Schemathesis against the served API on a fresh database: every operation of the OpenAPI
document, positive and negative examples, every default check (no 5xx; status codes, content
types, headers and bodies as documented; schema-valid input accepted, invalid refused).

A longer run: docs/api.md ("Checking the API against its schema")."""

from __future__ import annotations

import threading
import time

import msgspec
import pytest
import schemathesis
import uvicorn
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import (
    CHECKS,
    load_all_checks,
    not_a_server_error,
    positive_data_acceptance,
)

from service.app import create_app
from service.operations.http_protocol import HTTP_PROTOCOL
from service.settings import Settings
from tests.deadlines import DEADLINE
from tests.tokens import ADMIN, bearer

EXAMPLES = 12
load_all_checks()
ALL_CHECKS = list(CHECKS.get_all())
"""`--checks all`: every check schemathesis has, not only those it runs by default."""
SEMANTIC_QUERY = {"cursor", "from", "to"}
"""Valid only beyond what a schema states: a cursor the API returned, a day the month has,
``from`` not after ``to``; a 400 for others is right."""


@pytest.fixture
def write_headers(settings):
    """The settings and the bearer token writes and admin actions need (the test database
    holds the test tokens: tests/tokens.py)."""
    # A read with min_position waits for the read models; an empty store never reaches it.
    return msgspec.structs.replace(settings, min_position_wait_seconds=0.05), bearer(ADMIN)


@pytest.fixture
def served(database_url, write_headers):
    guarded, _ = write_headers
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(guarded, database_url), host="127.0.0.1", port=0, http=HTTP_PROTOCOL,
            log_level="warning",
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + DEADLINE
    while not server.started:
        assert thread.is_alive(), "the server stopped before it started"
        assert time.monotonic() < deadline, f"the server did not start within {DEADLINE:g} s"
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


# The document the app serves at /schema/openapi.json; made here without a database, so that
# each operation is a test of its own (the served app gets a fresh database per test).
# The live feed is a stream that never ends: a request/response fuzzer cannot read it to its
# end (tests/e2e/test_live_feed.py tests it over real connections instead).
schema = schemathesis.openapi.from_dict(
    create_app(Settings(), "postgresql://unused/unused").openapi_schema.to_schema()
).exclude(path="/events/live")


@schema.parametrize()
@hypothesis_settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_keeps_to_its_schema(case, served, write_headers):
    _, headers = write_headers
    excluded = []
    if case.operation.method.upper() == "POST" and case.operation.path.endswith("/events"):
        # A body of the right shape can still be a bad fact (an unknown type, a quote that is
        # not in its source): a 422 that no schema can foresee.
        excluded.append(positive_data_acceptance)
    if SEMANTIC_QUERY & set(case.query or {}):
        excluded.append(positive_data_acceptance)
    query = case.query or {}
    if query.get("format") not in (None, "json") and {"limit", "cursor"} & set(query):
        # An export is the whole timeline, not a page: with limit or cursor it is a documented
        # 400 (export-not-paged) that the schema cannot state.
        excluded.append(positive_data_acceptance)
    values = [v for value in query.values() for v in (value if isinstance(value, list) else [value])]
    if any("\x00" in str(v) for v in values):
        # A NUL in any query parameter is a documented 400 (nul-character) that the
        # schema's string types do not state.
        excluded.append(positive_data_acceptance)
    if "min_position" in (case.query or {}):
        # A position the read models have not reached is a documented 503 (not-yet-visible).
        excluded.append(not_a_server_error)
    case.call_and_validate(
        base_url=served, headers=headers, checks=ALL_CHECKS, excluded_checks=excluded
    )
