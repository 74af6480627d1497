"""A client's metadata beside the server's own: keys follow one rule, and no key the server
writes (``appended_by``) can be sent, however it is spelled or wherever it is nested."""

from __future__ import annotations

import re
import uuid

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests.factories import agency, append

KEY_RULE = re.compile(r"[a-z][a-z0-9_]{0,62}")


async def append_with(client, metadata: dict):
    agency_id = f"meta-{uuid.uuid4().hex[:12]}"
    event = {**agency(agency_id), "metadata": metadata}
    return agency_id, await append(client, f"agency-{agency_id}", event)


async def stored_metadata(client, agency_id: str) -> list[dict]:
    response = await client.get(f"/streams/agency-{agency_id}")
    if response.status_code == 404:
        return []
    return [event["metadata"] for event in response.json()["events"]]


LOOK_ALIKES = {
    "as the server writes it": {"appended_by": "someone-else"},
    "capitals": {"Appended_By": "someone-else"},
    "all capitals": {"APPENDED_BY": "someone-else"},
    "a trailing space": {"appended_by ": "someone-else"},
    "a leading tab": {"\tappended_by": "someone-else"},
    "a Cyrillic а": {"аppended_by": "someone-else"},
    "full-width letters": {"ａｐｐｅｎｄｅｄ＿ｂｙ": "someone-else"},
    "a zero-width space": {"appended\u200b_by": "someone-else"},
    "nested": {"nested": {"appended_by": "someone-else"}},
    "nested in capitals": {"nested": {"Appended_By ": "someone-else"}},
    "nested in a list": {"batch": [{"ok": 1}, {"appended_by": "someone-else"}]},
    "deeply nested": {"a": {"b": {"c": {"APPENDED_BY": "someone-else"}}}},
}


@pytest.mark.parametrize("metadata", LOOK_ALIKES.values(), ids=LOOK_ALIKES)
async def test_a_server_owned_name_is_refused_however_it_is_spelled(client, pool, metadata):
    agency_id, response = await append_with(client, metadata)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["type"] in ("/problems/server-metadata", "/problems/invalid-metadata")
    assert await stored_metadata(client, agency_id) == []
    assert await pool.fetchval("SELECT count(*) FROM events") == 0


@pytest.mark.parametrize("metadata", [
    {"appended_by": "x"}, {"Appended_By": "x"}, {"appended_by ": "x"}, {"ａｐｐｅｎｄｅｄ＿ｂｙ": "x"},
    {"nested": {"appended_by": "x"}},
])
async def test_a_server_owned_name_is_named_as_such(client, metadata):
    _, response = await append_with(client, metadata)
    assert response.json()["type"] == "/problems/server-metadata"
    assert "appended_by" in response.json()["detail"]


BAD_KEYS = ["", "1st", "_private", "correlationId", "correlation-id", "with space", "a" * 64,
            "키", "é", "a\x00"]


@pytest.mark.parametrize("key", BAD_KEYS)
async def test_a_key_outside_the_rule_is_a_422_naming_it(client, pool, key):
    _agency_id, response = await append_with(client, {key: "x"})
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["type"] == "/problems/invalid-metadata"
    assert "a-z" in body["detail"]
    assert await pool.fetchval("SELECT count(*) FROM events") == 0


async def test_keys_that_follow_the_rule_are_stored_beside_the_servers_own(client):
    metadata = {
        "correlation_id": "c-1", "source": "desk", "a" * 63: True,
        "nested": {"Any Key": [1, {"ünïcode": None}], "appended": "by someone"},
    }
    agency_id, response = await append_with(client, metadata)
    assert response.status_code == 201, response.text
    assert await stored_metadata(client, agency_id) == [{**metadata, "appended_by": "test-admin"}]


@hypothesis_settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(key=st.one_of(st.text(max_size=70), st.from_regex(KEY_RULE, fullmatch=True)))
async def test_any_key_is_stored_only_when_it_follows_the_rule(client, key):
    agency_id, response = await append_with(client, {key: "value"})
    stored = await stored_metadata(client, agency_id)
    if KEY_RULE.fullmatch(key) and key != "appended_by":
        assert response.status_code == 201, response.text
        assert stored == [{key: "value", "appended_by": "test-admin"}]
    else:
        assert response.status_code == 422, response.text
        assert stored == []
