"""The event endpoints over HTTP: appends, reads, and every kind of bad input."""

from __future__ import annotations

import asyncio
import uuid

import msgspec
import pytest

from tests.factories import (
    agency,
    append,
    given_initiative_stream,
    given_registered,
    initiative,
    status_changed,
)

PROBLEM = "application/problem+json"


async def count_events(pool) -> int:
    # Counted in the table: the feed may hold back a just-committed event for a moment while
    # the app's projector has a batch open (the gap-safe bound), which is not what is tested.
    return await pool.fetchval("SELECT count(*) FROM events")


async def test_append_answers_201_with_positions_and_the_new_version(client):
    await given_registered(client)
    announced, changed = initiative(), status_changed()
    response = await append(client, "initiative-test-plan", announced, changed, expected="no_stream")
    assert response.status_code == 201
    body = response.json()
    assert body["stream_version"] == 2 and body["duplicate"] is False
    assert [e["event_id"] for e in body["events"]] == [announced["id"], changed["id"]]
    assert [e["stream_version"] for e in body["events"]] == [1, 2]
    assert body["events"][0]["position"] < body["events"][1]["position"]


async def test_a_retried_append_answers_200_with_the_same_result(client, pool):
    await given_registered(client)
    batch = [initiative(), status_changed()]
    created = await append(client, "initiative-test-plan", *batch, expected="no_stream")
    retried = await append(client, "initiative-test-plan", *batch, expected="no_stream")
    assert (created.status_code, retried.status_code) == (201, 200)
    assert retried.json()["events"] == created.json()["events"]
    assert retried.json()["duplicate"] is True
    assert await count_events(pool) == 4


async def test_a_wrong_expected_version_is_a_409_problem_with_the_current_version(client):
    stream = await given_initiative_stream(client, changes=1)
    response = await append(client, stream, status_changed(), expected=5)
    assert response.status_code == 409
    assert response.headers["content-type"].startswith(PROBLEM)
    problem = response.json()
    assert problem["current_version"] == 2
    assert problem["type"] == "/problems/wrong-expected-version"
    assert problem["stream_id"] == stream


async def test_registering_the_same_entity_twice_is_a_409(client):
    assert (await append(client, "agency-test-ministry", agency())).status_code == 201
    again = await append(client, "agency-test-ministry", agency())
    assert again.status_code == 409 and again.json()["current_version"] == 1


async def test_concurrent_http_appends_with_one_expected_version_one_wins(client):
    stream = await given_initiative_stream(client, changes=0)
    responses = await asyncio.gather(
        *(append(client, stream, status_changed(), expected=1) for _ in range(8))
    )
    assert sorted(r.status_code for r in responses) == [201] + [409] * 7


async def test_same_id_with_other_content_is_a_409(client):
    stream = await given_initiative_stream(client, changes=0)
    original = status_changed(status="published")
    await append(client, stream, original)
    response = await append(client, stream, {**original, "data": {**original["data"], "status": "completed"}})
    assert response.status_code == 409
    assert response.json()["event_ids"] == [original["id"]]


async def test_reading_a_stream_in_pages_forward_and_backward(client):
    stream = await given_initiative_stream(client, changes=4)
    page = (await client.get(f"/streams/{stream}", params={"limit": 2})).json()
    assert [e["stream_version"] for e in page["events"]] == [1, 2] and page["stream_version"] == 5
    assert page["events"][0]["type"] == "initiative.announced"
    query = {"limit": 2, "cursor": page["next_cursor"]}
    page = (await client.get(f"/streams/{stream}", params=query)).json()
    assert [e["stream_version"] for e in page["events"]] == [3, 4]
    query = {"limit": 2, "cursor": page["next_cursor"]}
    page = (await client.get(f"/streams/{stream}", params=query)).json()
    assert [e["stream_version"] for e in page["events"]] == [5] and page["next_cursor"] is None
    query = {"direction": "backward", "limit": 2}
    backward = (await client.get(f"/streams/{stream}", params=query)).json()
    assert [e["stream_version"] for e in backward["events"]] == [5, 4]
    query = {**query, "cursor": backward["next_cursor"]}
    backward = (await client.get(f"/streams/{stream}", params=query)).json()
    assert [e["stream_version"] for e in backward["events"]] == [3, 2]


async def wait_until_readable(client, count: int) -> None:
    """The feed shows an event once every older transaction on the server has ended, which
    activity in another database can delay for a moment (docs/api.md)."""
    for _ in range(200):
        page = (await client.get("/events", params={"limit": 1000})).json()
        if len(page["events"]) >= count:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"fewer than {count} events readable after 10 s")


async def test_the_feed_pages_with_an_opaque_cursor_and_filters_by_type(client):
    await given_initiative_stream(client, changes=1)
    await wait_until_readable(client, 4)
    first = (await client.get("/events", params={"limit": 2})).json()
    rest = (await client.get("/events", params={"cursor": first["next_cursor"]})).json()
    assert [e["type"] for e in first["events"] + rest["events"]] == [
        "source.registered",
        "agency.registered",
        "initiative.announced",
        "initiative.status_changed",
    ]
    again = (await client.get("/events", params={"cursor": rest["resume_cursor"]})).json()
    assert again["events"] == [] and again["resume_cursor"] == rest["resume_cursor"]
    only = (await client.get("/events", params={"type": "agency.registered"})).json()
    assert [e["stream_id"] for e in only["events"]] == ["agency-test-ministry"]


async def test_one_event_by_id(client):
    registered = agency(name_ko="간담회부")
    await append(client, "agency-test-ministry", registered)
    response = await client.get(f"/events/{registered['id']}")
    assert response.status_code == 200
    assert response.json()["data"]["name_ko"] == "간담회부"
    assert (await client.get(f"/events/{uuid.uuid4()}")).status_code == 404


KOREAN = "고학수 개인정보위 위원장은 \"우리나라의 경쟁력 있는 AI 혁신 생태계 발전을 위해서는 오픈소스 이점을 최대한 활용할 필요가 있다\""


@pytest.mark.parametrize(
    "text", [KOREAN, "국내 정부도도", "🤖🇰🇷 👩‍💻", "가" * 100_000], ids=["quote", "typo", "emoji", "long"]
)
async def test_text_comes_back_byte_for_byte(client, text):
    registered = agency(name_ko=text)
    assert (await append(client, "agency-test-ministry", registered)).status_code == 201
    response = await client.get(f"/events/{registered['id']}")
    assert response.json()["data"]["name_ko"].encode() == text.encode()
    assert msgspec.json.encode(text) in response.content  # raw UTF-8, not \u escapes


VALID_ID = "6f1c3a5e-0000-4000-8000-000000000001"
ONE_EVENT = b'{"id": "%s", "type": "agency.registered", "data": {}}'
# Not JSON is a 400; JSON of the wrong shape or type is a 422.
BAD_BODIES = {
    "malformed json": (b'{"events": [', 400),
    "nested too deep": (b'{"events": [{"id": "%s", "type": "t", "data": {"x": ' + b"[" * 968 + b"]" * 968 + b"}}]}", 400),
    "not an object": (b"[1, 2]", 422),
    "missing events": (b'{"expected_version": "any"}', 422),
    "empty batch": (b'{"events": []}', 422),
    "unknown expected word": (b'{"expected_version": "sometimes", "events": [' + ONE_EVENT + b"]}", 422),
    "negative expected version": (b'{"expected_version": -1, "events": [' + ONE_EVENT + b"]}", 422),
    "expected version as a string": (b'{"expected_version": "0", "events": [' + ONE_EVENT + b"]}", 422),
    "expected version as a float": (b'{"expected_version": 1.0, "events": [' + ONE_EVENT + b"]}", 422),
    "expected version as a boolean": (b'{"expected_version": false, "events": [' + ONE_EVENT + b"]}", 422),
    "import as a string": (b'{"import": "true", "events": [' + ONE_EVENT + b"]}", 422),
    "id not a uuid": (b'{"events": [{"id": "seven", "type": "agency.registered", "data": {}}]}', 422),
    "data not an object": (b'{"events": [{"id": "%s", "type": "agency.registered", "data": "text"}]}', 422),
    "unknown envelope field": (
        b'{"events": [{"id": "%s", "type": "agency.registered", "data": {}, "colour": 1}]}',
        422,
    ),
    "unknown top-level field": (b'{"colour": 1, "events": [' + ONE_EVENT + b"]}", 422),
    "nul character": (
        b'{"events": [{"id": "%s", "type": "agency.registered", "data": {"agency_id": "test-ministry",'
        b' "name_ko": "a\\u0000b", "name_en": "x", "kind": "ministry"}}]}',
        422,
    ),
}


@pytest.mark.parametrize(("body", "status"), BAD_BODIES.values(), ids=BAD_BODIES.keys())
async def test_bad_appends_are_problems_and_change_nothing(client, body, status, pool):
    response = await client.post(
        "/streams/agency-test-ministry/events",
        content=body.replace(b"%s", VALID_ID.encode()),
        headers={"content-type": "application/json"},
    )
    assert response.status_code == status
    assert response.headers["content-type"].startswith(PROBLEM)
    problem = response.json()
    assert problem["status"] == status and problem["detail"]
    assert problem["type"] in ("/problems/invalid-json", "/problems/invalid-body", "/problems/invalid-event")
    assert await count_events(pool) == 0


async def test_a_body_of_the_wrong_shape_names_the_field(client):
    response = await client.post(
        "/streams/agency-test-ministry/events",
        content=b'{"expected_version": "0", "events": [' + ONE_EVENT.replace(b"%s", VALID_ID.encode()) + b"]}",
        headers={"content-type": "application/json"},
    )
    assert response.json()["errors"][0]["key"] == "expected_version"


@pytest.mark.parametrize("expected", [0, "no_stream", "any"])
async def test_each_kind_of_expected_version_is_taken(client, expected):
    response = await append(client, "agency-test-ministry", agency(), expected=expected)
    assert response.status_code == 201, response.text


async def test_a_batch_repeating_an_id_is_a_422_and_stores_nothing(client, pool):
    await given_registered(client)
    announced = initiative()
    repeated = {**status_changed(), "id": announced["id"]}
    response = await append(client, "initiative-test-plan", announced, repeated)
    assert response.status_code == 422
    assert await count_events(pool) == 2


async def test_an_oversized_body_is_a_413(client, pool):
    response = await append(client, "agency-test-ministry", agency(name_ko="가" * 400_000))
    assert response.status_code == 413
    assert response.headers["content-type"].startswith(PROBLEM)
    assert await count_events(pool) == 0


async def test_a_batch_over_the_limit_is_a_413(client, pool):
    response = await append(client, "agency-test-ministry", *(agency() for _ in range(1001)))
    assert response.status_code == 413
    assert await count_events(pool) == 0


BAD_READS = {
    "bad cursor": ("/events?cursor=yesterday", 400),
    "type with a NUL": ("/events?type=agency.regis%00tered", 400),  # found by schemathesis: a 500
    "zero limit": ("/events?limit=0", 422),
    "absurd limit": ("/events?limit=100000000", 422),
    "limit not a number": ("/events?limit=many", 400),
    "unknown stream": ("/streams/nothing-here", 404),
    "bad stream id": ("/streams/%00", 400),
    "bad stream cursor": ("/streams/agency-test-ministry?cursor=yesterday", 400),
    "unknown direction": ("/streams/agency-test-ministry?direction=sideways", 400),
    "unknown event": (f"/events/{uuid.uuid4()}", 404),
}


@pytest.mark.parametrize(("path", "status"), BAD_READS.values(), ids=BAD_READS.keys())
async def test_bad_reads_are_problems(client, path, status):
    await given_registered(client)
    response = await client.get(path)
    assert response.status_code == status
    assert response.headers["content-type"].startswith(PROBLEM)


async def test_health_ready_and_openapi(client):
    assert (await client.get("/health")).json() == {"status": "ok"}
    assert (await client.get("/ready")).json()["status"] == "ready"
    schema = (await client.get("/schema/openapi.json")).json()
    assert schema["openapi"].startswith("3.1")
    assert "/streams/{stream_id}/events" in schema["paths"]
    assert "/events" in schema["paths"]


async def test_reads_carry_an_etag_and_answer_if_none_match_with_304(client):
    await given_registered(client)
    first = await client.get("/streams/agency-test-ministry")
    etag = first.headers["etag"]
    unchanged = await client.get("/streams/agency-test-ministry", headers={"If-None-Match": etag})
    assert unchanged.status_code == 304 and unchanged.content == b""
    await wait_until_readable(client, 2)
    feed = await client.get("/events")
    await append(client, "agency-other", agency("other"))
    await wait_until_readable(client, 3)
    changed = await client.get("/events", headers={"If-None-Match": feed.headers["etag"]})
    assert changed.status_code == 200 and changed.headers["etag"] != feed.headers["etag"]
