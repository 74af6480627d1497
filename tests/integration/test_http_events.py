"""The event endpoints over HTTP: appends, reads, and every kind of bad input."""

from __future__ import annotations

import asyncio
import uuid

import msgspec
import pytest

PROBLEM = "application/problem+json"


def event(kind: str = "test.happened", **data: object) -> dict:
    return {"id": str(uuid.uuid4()), "type": kind, "data": data or {"n": 1}}


async def append(client, stream_id: str, *events: dict, expected="any"):
    return await client.post(
        f"/streams/{stream_id}/events", json={"expected_version": expected, "events": list(events)}
    )


async def count_events(client) -> int:
    response = await client.get("/events", params={"limit": 1000})
    return len(response.json()["events"])


async def test_append_answers_201_with_positions_and_the_new_version(client):
    first, second = event(n=1), event(n=2)
    response = await append(client, "agency-test", first, second, expected="no_stream")
    assert response.status_code == 201
    body = response.json()
    assert body["stream_version"] == 2 and body["duplicate"] is False
    assert [e["id"] for e in body["events"]] == [first["id"], second["id"]]
    assert [e["stream_version"] for e in body["events"]] == [1, 2]
    assert body["events"][0]["position"] < body["events"][1]["position"]


async def test_a_retried_append_answers_200_with_the_same_result(client):
    batch = [event(n=1), event(n=2)]
    created = await append(client, "s", *batch, expected="no_stream")
    retried = await append(client, "s", *batch, expected="no_stream")
    assert (created.status_code, retried.status_code) == (201, 200)
    assert retried.json()["events"] == created.json()["events"]
    assert retried.json()["duplicate"] is True
    assert await count_events(client) == 2


async def test_a_wrong_expected_version_is_a_409_problem_with_the_current_version(client):
    await append(client, "s", event(), event())
    response = await append(client, "s", event(), expected=5)
    assert response.status_code == 409
    assert response.headers["content-type"].startswith(PROBLEM)
    problem = response.json()
    assert problem["current_version"] == 2
    assert problem["type"] == "/problems/wrong-expected-version"
    assert problem["stream_id"] == "s"


async def test_concurrent_http_appends_with_one_expected_version_one_wins(client):
    await append(client, "s", event())
    responses = await asyncio.gather(*(append(client, "s", event(), expected=1) for _ in range(8)))
    assert sorted(r.status_code for r in responses) == [201] + [409] * 7


async def test_same_id_with_other_content_is_a_409(client):
    original = event(n=1)
    await append(client, "s", original)
    response = await append(client, "s", {**original, "data": {"n": 2}})
    assert response.status_code == 409
    assert response.json()["event_ids"] == [original["id"]]


async def test_reading_a_stream_in_pages_forward_and_backward(client):
    await append(client, "s", *(event(n=n) for n in range(5)))
    page = (await client.get("/streams/s", params={"limit": 2})).json()
    assert [e["stream_version"] for e in page["events"]] == [1, 2]
    assert page["next_version"] == 3 and page["stream_version"] == 5
    page = (await client.get("/streams/s", params={"from_version": 5, "limit": 2})).json()
    assert [e["data"]["n"] for e in page["events"]] == [4] and page["next_version"] is None
    backward = (await client.get("/streams/s", params={"direction": "backward", "limit": 2})).json()
    assert [e["stream_version"] for e in backward["events"]] == [5, 4]
    assert backward["next_version"] == 3


async def test_the_feed_pages_with_an_opaque_cursor_and_filters_by_type(client):
    await append(client, "a", event("x.one"), event("y.two"))
    await append(client, "b", event("x.one"))
    first = (await client.get("/events", params={"limit": 2})).json()
    rest = (await client.get("/events", params={"after": first["next"]})).json()
    assert [e["stream_id"] for e in first["events"] + rest["events"]] == ["a", "a", "b"]
    again = (await client.get("/events", params={"after": rest["next"]})).json()
    assert again["events"] == [] and again["next"] == rest["next"]
    only = (await client.get("/events", params={"type": "x.one"})).json()
    assert [e["type"] for e in only["events"]] == ["x.one", "x.one"]


async def test_one_event_by_id(client):
    stored = event(title="간담회")
    await append(client, "s", stored)
    response = await client.get(f"/events/{stored['id']}")
    assert response.status_code == 200
    assert response.json()["data"] == {"title": "간담회"}
    assert (await client.get(f"/events/{uuid.uuid4()}")).status_code == 404


KOREAN = "고학수 개인정보위 위원장은 \"우리나라의 경쟁력 있는 AI 혁신 생태계 발전을 위해서는 오픈소스 이점을 최대한 활용할 필요가 있다\""


@pytest.mark.parametrize(
    "text", [KOREAN, "국내 정부도도", "🤖🇰🇷 👩‍💻", "가" * 100_000], ids=["quote", "typo", "emoji", "long"]
)
async def test_text_comes_back_byte_for_byte(client, text):
    stored = event(text=text)
    await append(client, "s", stored)
    response = await client.get(f"/events/{stored['id']}")
    assert response.json()["data"]["text"].encode() == text.encode()
    assert msgspec.json.encode(text) in response.content  # raw UTF-8, not \u escapes


BAD_BODIES = {
    "malformed json": (b'{"events": [', 400),
    "not an object": (b"[1, 2]", 400),
    "missing events": (b'{"expected_version": "any"}', 400),
    "empty batch": (b'{"events": []}', 400),
    "unknown expected word": (
        b'{"expected_version": "sometimes", "events": [{"id": "6f1c3a5e-0000-4000-8000-000000000001", "type": "t.x", "data": {}}]}',
        400,
    ),
    "negative expected version": (
        b'{"expected_version": -1, "events": [{"id": "6f1c3a5e-0000-4000-8000-000000000001", "type": "t.x", "data": {}}]}',
        400,
    ),
    "id not a uuid": (b'{"events": [{"id": "seven", "type": "t.x", "data": {}}]}', 400),
    "data not an object": (
        b'{"events": [{"id": "6f1c3a5e-0000-4000-8000-000000000001", "type": "t.x", "data": "text"}]}',
        400,
    ),
    "unknown field": (
        b'{"events": [{"id": "6f1c3a5e-0000-4000-8000-000000000001", "type": "t.x", "data": {}, "colour": 1}]}',
        400,
    ),
    "nul character": (
        b'{"events": [{"id": "6f1c3a5e-0000-4000-8000-000000000001", "type": "t.x", "data": {"t": "a\\u0000b"}}]}',
        422,
    ),
    "repeated id": (
        b'{"events": [{"id": "6f1c3a5e-0000-4000-8000-000000000001", "type": "t.x", "data": {}},'
        b' {"id": "6f1c3a5e-0000-4000-8000-000000000001", "type": "t.x", "data": {}}]}',
        422,
    ),
}


@pytest.mark.parametrize(("body", "status"), BAD_BODIES.values(), ids=BAD_BODIES.keys())
async def test_bad_appends_are_problems_and_change_nothing(client, body, status):
    response = await client.post(
        "/streams/s/events", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == status
    assert response.headers["content-type"].startswith(PROBLEM)
    problem = response.json()
    assert problem["status"] == status and problem["detail"]
    assert await count_events(client) == 0


async def test_an_oversized_body_is_a_413(client):
    response = await append(client, "s", event(text="가" * 400_000))
    assert response.status_code == 413
    assert response.headers["content-type"].startswith(PROBLEM)
    assert await count_events(client) == 0


async def test_a_batch_over_the_limit_is_a_413(client):
    response = await append(client, "s", *(event() for _ in range(1001)))
    assert response.status_code == 413
    assert await count_events(client) == 0


BAD_READS = {
    "bad cursor": ("/events?after=yesterday", 400),
    "zero limit": ("/events?limit=0", 422),
    "absurd limit": ("/events?limit=100000000", 422),
    "limit not a number": ("/events?limit=many", 400),
    "unknown stream": ("/streams/nothing-here", 404),
    "bad stream id": ("/streams/%00", 400),
    "from_version zero": ("/streams/s?from_version=0", 400),
    "unknown direction": ("/streams/s?direction=sideways", 400),
    "unknown event": (f"/events/{uuid.uuid4()}", 404),
}


@pytest.mark.parametrize(("path", "status"), BAD_READS.values(), ids=BAD_READS.keys())
async def test_bad_reads_are_problems(client, path, status):
    await append(client, "s", event())
    response = await client.get(path)
    assert response.status_code == status
    assert response.headers["content-type"].startswith(PROBLEM)


async def test_health_ready_and_openapi(client):
    assert (await client.get("/health")).json() == {"status": "ok"}
    assert (await client.get("/ready")).json() == {"status": "ready"}
    schema = (await client.get("/schema/openapi.json")).json()
    assert schema["openapi"].startswith("3.1")
    assert "/streams/{stream_id}/events" in schema["paths"]
    assert "/events" in schema["paths"]
