"""The event store's contract: every implementation of ``EventStore`` must pass these."""

from __future__ import annotations

import asyncio
import uuid

import msgspec
import pytest

from service.store import (
    START,
    EventIdConflict,
    InvalidAppend,
    NewEvent,
    WrongExpectedVersion,
)
from tests.integration.projector.helpers import every_event_readable


def new_event(kind: str = "test.happened", **data: object) -> NewEvent:
    return NewEvent(id=uuid.uuid4(), type=kind, data=msgspec.json.encode(data or {"n": 1}))


async def given_stream(store, stream_id: str, count: int) -> None:
    await store.append(stream_id, [new_event(n=n) for n in range(count)], "any")


# expected version -> (outcome on a missing stream, outcome on a stream at version 2)
EXPECTED_VERSION_MATRIX = [
    ("no_stream", "ok", "conflict"),
    ("exists", "conflict", "ok"),
    ("any", "ok", "ok"),
    (0, "ok", "conflict"),
    (2, "conflict", "ok"),
    (1, "conflict", "conflict"),
    (3, "conflict", "conflict"),
]


@pytest.mark.parametrize(("expected", "on_missing", "on_existing"), EXPECTED_VERSION_MATRIX)
@pytest.mark.parametrize("stream_exists", [False, True], ids=["missing", "existing"])
async def test_expected_version_decides_whether_an_append_goes_through(
    store, expected, on_missing, on_existing, stream_exists
):
    if stream_exists:
        await given_stream(store, "s", 2)
    before = 2 if stream_exists else 0
    outcome = on_existing if stream_exists else on_missing

    if outcome == "ok":
        result = await store.append("s", [new_event()], expected)
        assert result.stream_version == before + 1
        assert result.stream_versions == [before + 1]
    else:
        with pytest.raises(WrongExpectedVersion) as raised:
            await store.append("s", [new_event()], expected)
        assert raised.value.current_version == before
        assert await store.stream_version("s") == before


async def test_a_batch_gets_consecutive_versions_and_increasing_positions(store):
    first = await store.append("s", [new_event(n=n) for n in range(3)], "no_stream")
    second = await store.append("s", [new_event(n=n) for n in range(2)], 3)
    assert first.stream_versions == [1, 2, 3]
    assert second.stream_versions == [4, 5]
    positions = first.positions + second.positions
    assert positions == sorted(positions) and len(set(positions)) == 5
    assert [e.stream_version for e in await store.read_stream("s")] == [1, 2, 3, 4, 5]


async def test_32_concurrent_appenders_with_the_same_expected_version_one_wins(store):
    await given_stream(store, "contested", 1)

    async def attempt(n: int):
        try:
            return await store.append("contested", [new_event(n=n), new_event(n=n)], 1)
        except WrongExpectedVersion as error:
            return error

    outcomes = await asyncio.gather(*(attempt(n) for n in range(32)))
    winners = [o for o in outcomes if not isinstance(o, WrongExpectedVersion)]
    losers = [o for o in outcomes if isinstance(o, WrongExpectedVersion)]
    assert len(winners) == 1 and len(losers) == 31
    assert {loser.current_version for loser in losers} == {3}
    versions = [e.stream_version for e in await store.read_stream("contested")]
    assert versions == [1, 2, 3]


async def test_concurrent_appenders_with_any_leave_no_gap(store):
    await asyncio.gather(*(store.append("busy", [new_event(n=n)], "any") for n in range(32)))
    versions = [e.stream_version for e in await store.read_stream("busy", limit=100)]
    assert versions == list(range(1, 33))


async def test_a_retried_append_is_answered_with_the_original_result(store):
    batch = [new_event(n=1), new_event(n=2)]
    original = await store.append("s", batch, "no_stream")
    retried = await store.append("s", batch, "no_stream")
    assert retried.duplicate and not original.duplicate
    assert retried.positions == original.positions
    assert retried.stream_versions == original.stream_versions
    assert len(await store.read_stream("s")) == 2


async def test_the_same_id_with_different_content_is_a_conflict(store):
    event = new_event(n=1)
    await store.append("s", [event], "any")
    changed = NewEvent(id=event.id, type=event.type, data=b'{"n": 2}')
    with pytest.raises(EventIdConflict) as raised:
        await store.append("s", [changed], "any")
    assert raised.value.event_ids == [event.id]
    with pytest.raises(EventIdConflict):
        await store.append("other-stream", [event], "any")
    assert await store.stream_version("s") == 1
    assert await store.stream_version("other-stream") == 0


async def test_a_batch_mixing_stored_and_new_ids_is_a_conflict_and_stores_nothing(store):
    stored = new_event(n=1)
    await store.append("s", [stored], "any")
    with pytest.raises(EventIdConflict):
        await store.append("s", [stored, new_event(n=2)], "any")
    assert await store.stream_version("s") == 1


async def test_a_batch_that_fails_part_way_leaves_nothing_behind(store):
    good = new_event(text="fine")
    bad = NewEvent(id=uuid.uuid4(), type="test.happened", data=b'{"text": "nul \\u0000"}')
    with pytest.raises(InvalidAppend, match="NUL"):
        await store.append("s", [good, bad], "any")
    assert await store.stream_version("s") == 0
    assert await store.get_event(good.id) is None
    # the stream is still usable from where it was
    assert (await store.append("s", [good], "no_stream")).stream_version == 1


@pytest.mark.parametrize(
    "batch",
    [[], "repeated"],
    ids=["empty", "repeated-id"],
)
async def test_batches_that_cannot_be_stored_are_refused(store, batch):
    if batch == "repeated":
        event = new_event()
        batch = [event, event]
    with pytest.raises(InvalidAppend):
        await store.append("s", batch, "any")
    assert await store.stream_version("s") == 0


async def test_reading_a_stream_forward_backward_and_in_pages(store):
    await given_stream(store, "s", 5)
    await given_stream(store, "other", 2)
    forward = await store.read_stream("s", from_version=2, limit=2)
    assert [e.stream_version for e in forward] == [2, 3]
    backward = await store.read_stream("s", direction="backward", limit=3)
    assert [e.stream_version for e in backward] == [5, 4, 3]
    from_four = await store.read_stream("s", from_version=4, direction="backward")
    assert [e.stream_version for e in from_four] == [4, 3, 2, 1]
    assert await store.read_stream("missing") == []


async def test_read_all_returns_every_event_once_in_pages(store):
    appended = []
    for n in range(7):
        result = await store.append(f"s{n % 3}", [new_event(n=n)], "any")
        appended += result.positions
    await every_event_readable(store, store.pool)
    seen, cursor = [], START
    for _ in range(1000):  # a cursor that does not move on fails instead of looping for ever
        page = await store.read_all(cursor, limit=3)
        if not page.events:
            break
        seen += [e.position for e in page.events]
        cursor = page.next
    else:
        raise AssertionError("no last page within 1000 pages")
    assert seen == appended


async def test_read_all_filters_by_type(store):
    await store.append("s", [new_event("a.one"), new_event("b.two"), new_event("a.one")], "any")
    await every_event_readable(store, store.pool)
    page = await store.read_all(START, types=["a.one"])
    assert [e.type for e in page.events] == ["a.one", "a.one"]


async def test_get_event_returns_the_stored_event(store):
    event = new_event(title="회의")
    await store.append("s", [event], "any")
    stored = await store.get_event(event.id)
    assert stored is not None and stored.stream_id == "s" and stored.type == event.type
    assert msgspec.json.decode(stored.data) == {"title": "회의"}
    assert await store.get_event(uuid.uuid4()) is None


TEXTS = {
    "korean": "고학수 개인정보위 위원장은 \"우리나라의 경쟁력 있는 AI 혁신 생태계 발전을 위해서는\"",
    "typo kept": "국내 정부도도 AI 인재 양성에 적극적인 행보를 보이고 있다.",
    "emoji": "🇰🇷🤖 AI 👩‍💻",
    "combining": "한\u1100\u1161\u11a8 e\u0301",
    "long": "가나다라마바사" * 20_000,
    "escapes": "quote \" backslash \\ tab \t newline \n",
}


@pytest.mark.parametrize("text", TEXTS.values(), ids=TEXTS.keys())
async def test_text_round_trips_byte_for_byte(store, text):
    event = NewEvent(id=uuid.uuid4(), type="test.text", data=msgspec.json.encode({"text": text}))
    await store.append("s", [event], "any")
    [stored] = await store.read_stream("s")
    assert msgspec.json.decode(stored.data)["text"].encode() == text.encode()


async def test_subscribe_yields_past_events_then_new_ones(store):
    await given_stream(store, "s", 2)
    received = []

    async def consume():
        async for event in store.subscribe(START):
            received.append(event.position)
            if len(received) == 4:
                return

    consumer = asyncio.create_task(consume())
    await asyncio.sleep(0.1)
    await given_stream(store, "s", 2)
    await asyncio.wait_for(consumer, timeout=5)
    assert len(received) == 4 and received == sorted(received)


@pytest.mark.parametrize(("expected", "on_missing", "on_existing"), EXPECTED_VERSION_MATRIX)
@pytest.mark.parametrize("stream_exists", [False, True], ids=["missing", "existing"])
async def test_a_dry_run_answers_as_the_append_would_and_stores_nothing(
    store, expected, on_missing, on_existing, stream_exists
):
    if stream_exists:
        await given_stream(store, "s", 2)
    before = 2 if stream_exists else 0
    outcome = on_existing if stream_exists else on_missing
    batch = [new_event(), new_event()]

    if outcome == "ok":
        result = await store.append("s", batch, expected, dry_run=True)
        assert result.stream_versions == [before + 1, before + 2]
        assert not result.duplicate
    else:
        with pytest.raises(WrongExpectedVersion) as raised:
            await store.append("s", batch, expected, dry_run=True)
        assert raised.value.current_version == before
    assert await store.stream_version("s") == before
    assert all([await store.get_event(event.id) is None for event in batch])


async def test_a_dry_run_of_stored_events_is_a_retry_or_a_conflict_as_the_append_would_be(store):
    batch = [new_event(), new_event()]
    await store.append("s", batch, "no_stream")

    retry = await store.append("s", batch, "no_stream", dry_run=True)
    assert retry.duplicate and retry.stream_versions == [1, 2]
    changed = [batch[0], NewEvent(id=batch[1].id, type="test.happened", data=b'{"n":2}')]
    with pytest.raises(EventIdConflict):
        await store.append("s", changed, "any", dry_run=True)
    with pytest.raises(InvalidAppend):
        await store.append("t", [new_event(text="\u0000")], "any", dry_run=True)
    assert await store.stream_version("s") == 2 and await store.stream_version("t") == 0
