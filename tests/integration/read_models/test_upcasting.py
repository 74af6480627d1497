"""Events stored at an older schema version are upcast wherever the log is read: the live path,
a rebuild, the write side's checks and the event endpoints.

No real upcaster exists yet (every type is at version 1), so the test registers one for a
made-up version 0 of ``meeting.held`` (``id``, ``organizer``, ``title: {ko, en}`` and a flat
date), and writes the seed's MSS meeting in that shape with ``schema_version`` 0.
"""

from __future__ import annotations

import asyncio
import uuid

import msgspec
import pytest

import events
from events.seed import SOURCE_ID
from events.upcasting import UPCASTERS
from service.projections.rebuild import rebuild
from service.queries.meetings import get_meeting
from service.read_models import PROJECTIONS
from service.store import NewEvent, PostgresEventStore
from service.writing import AppendCommand, Appender, ProposedEvent
from service.writing.transfer import import_log, read_lines
from tests.integration.read_models.conftest import catch_up
from tests.integration.read_models.test_export_import import (  # noqa: F401 (a fixture)
    MEETING_QUOTE,
    MSS_MEETING,
    digests,
    exported,
    given_an_amended_log,
    other_database,
)


def to_v0(data: dict) -> dict:
    """The made-up old shape of a meeting.held's data."""
    data = dict(data)
    occurred = data.pop("occurred")
    return {
        "id": data.pop("meeting_id"),
        "organizer": data.pop("organiser"),
        "title": {"ko": data.pop("title_ko"), "en": data.pop("title_en")},
        "date": occurred["date"],
        "date_approximate": occurred["approximate"],
        "date_words": occurred["original"],
        **data,
    }


def meeting_from_v0(data: dict) -> dict:
    title = data.pop("title")
    return {
        "meeting_id": data.pop("id"),
        "organiser": data.pop("organizer"),
        "title_ko": title["ko"],
        "title_en": title.get("en"),
        "occurred": {
            "date": data.pop("date"),
            "approximate": data.pop("date_approximate", False),
            "original": data.pop("date_words", None),
        },
        **data,
    }


@pytest.fixture
def v0_upcaster(monkeypatch):
    monkeypatch.setitem(UPCASTERS, ("meeting.held", 0), meeting_from_v0)


def downgraded(lines: list[bytes]) -> list[bytes]:
    """The export with the MSS meeting's creation written at version 0."""
    result = []
    for line in lines:
        event = msgspec.json.decode(line)
        if event["stream_id"] == MSS_MEETING and event["type"] == "meeting.held":
            event["data"], event["schema_version"] = to_v0(event["data"]), 0
        result.append(msgspec.json.encode(event))
    return result


async def in_feed(client, event_id: str) -> dict:
    """The event as the feed lists it (the gap-safe feed may wait for a moment)."""
    for _ in range(100):
        feed = (await client.get("/events", params={"type": "meeting.held"})).json()
        listed = [e for e in feed["events"] if e["event_id"] == event_id]
        if listed:
            return listed[0]
        await asyncio.sleep(0.05)
    raise AssertionError("the event is not in the feed")


async def test_a_log_with_an_old_version_gives_the_views_of_the_upgraded_log(
    v0_upcaster, seeded_log, pool, other_database  # noqa: F811
):
    await given_an_amended_log(seeded_log)  # the v0 meeting was corrected at version 1
    lines = downgraded(await exported(pool))
    other_url, other = other_database
    await import_log(Appender(PostgresEventStore(other), other), read_lines(lines))
    stored = await other.fetchval(
        "SELECT schema_version FROM events WHERE stream_id = $1 AND type = 'meeting.held'", MSS_MEETING
    )
    assert stored == 0
    await catch_up(other)
    expected = await digests(pool)
    assert await digests(other) == expected, "live path"
    status = await rebuild(other_url, PROJECTIONS)
    assert status.state == "completed"
    assert await digests(other) == expected, "rebuild"

    # The write side reads the v0 meeting to check a correction against it.
    appender = Appender(PostgresEventStore(other), other)
    target = await other.fetchval(
        "SELECT event_id FROM events WHERE stream_id = $1 AND type = 'meeting.held'", MSS_MEETING
    )
    await appender.append(AppendCommand(
        stream_id=MSS_MEETING, expected_version="any", appended_by="test",
        events=[ProposedEvent(id=uuid.uuid4(), type="fact.corrected", data={
            "target": str(target), "changes": {"title_en": "Workforce policy review"},
            "reason": "a test", "evidence": [{"source_id": SOURCE_ID, "quote": MEETING_QUOTE}],
        })],
    ))
    await catch_up(other)
    async with other.acquire() as connection:
        meeting = await get_meeting(connection, "mss-workforce-policy-review")
    assert (meeting.title_en, meeting.date) == ("Workforce policy review", "2025-03-20")


async def test_the_event_endpoints_answer_the_current_shape(v0_upcaster, seeded_log, store, client):
    seed = msgspec.json.decode(seeded_log.event_of(MSS_MEETING).data)
    old = {**to_v0(seed), "id": "old-shape-meeting"}
    event_id = uuid.uuid4()
    await store.append("meeting-old-shape-meeting", [NewEvent(
        id=event_id, type="meeting.held", schema_version=0, data=msgspec.json.encode(old)
    )], "no_stream")

    body = (await client.get(f"/events/{event_id}")).json()
    assert (body["schema_version"], body["stored_schema_version"]) == (1, 0)
    assert body["data"] == {**seed, "meeting_id": "old-shape-meeting"}
    stream = (await client.get("/streams/meeting-old-shape-meeting")).json()
    assert stream["events"][0]["data"] == body["data"]
    assert await in_feed(client, str(event_id)) == body
    # Events appended now are stored at the current version.
    seeded = (await client.get(f"/events/{seeded_log.event_of(MSS_MEETING).id}")).json()
    assert (seeded["schema_version"], seeded["stored_schema_version"]) == (1, 1)


async def test_without_its_upcaster_an_old_event_is_answered_as_stored(seeded_log, store, client):
    event_id = uuid.uuid4()
    await store.append("meeting-old-shape-meeting", [NewEvent(
        id=event_id, type="meeting.held", schema_version=0, data=b'{"id": "old-shape-meeting"}'
    )], "no_stream")
    body = (await client.get(f"/events/{event_id}")).json()
    assert (body["schema_version"], body["stored_schema_version"]) == (0, 0)
    assert body["data"] == {"id": "old-shape-meeting"}
    with pytest.raises(events.InvalidEvent, match="no upcaster"):
        events.decode_stored("meeting.held", 0, b"{}")
