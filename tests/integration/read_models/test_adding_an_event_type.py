"""The checklist "Adding an event type" (docs/events.md), followed for a small type that exists
only in this test: the type goes in the places the checklist names and nowhere else, and its
facts are on the timeline, the page and the exports; a type missing one of those places is
refused by the checks that guard them."""

from __future__ import annotations

import csv
import io
from typing import Any, ClassVar

import feedparser
import pytest

import events
from events.base import Event, Id, Text
from events.dates import Occurred
from events.evidence import EvidenceList
from events.seed import SOURCE_ID
from service.projections.base import unread_types
from service.projections.fact_view import Fact, FactView
from service.queries.timeline import SHOWN, Shown, Subject, entry_fields
from service.read_models import PROJECTIONS
from service.read_models import timeline as timeline_model
from tests.integration.exports.conftest import ROUNDTABLE
from tests.integration.read_models.test_corrections import ROUNDTABLE_QUOTE
from tests.unit.test_timeline_types import problems

NEW_TYPE = "meeting.noted"


# 1. The vocabulary (events/<module>.py, and EVENT_TYPES in events/__init__.py).
class MeetingNoted(Event, kw_only=True):
    """A note on a meeting already held: it continues the meeting's stream."""

    TYPE: ClassVar[str] = NEW_TYPE
    STREAM: ClassVar[str] = "meeting"
    KEY: ClassVar[str] = "meeting_id"

    meeting_id: Id
    note_en: Text
    occurred: Occurred
    evidence: EvidenceList


# 2. The timeline read model's handler (service/read_models/timeline.py).
def meeting_noted(view: FactView, fact: Fact):
    meeting = view.entity(fact.stream_id)
    if meeting is not None:
        yield from timeline_model.entries(view, fact, {meeting.value.organiser: {"organiser"}})


# 3. How the timeline shows it (SHOWN in service/queries/timeline.py).
def describe(fact: MeetingNoted, _: None) -> dict[str, Any]:
    return entry_fields(
        Subject(kind="meeting", id=fact.meeting_id),
        (None, fact.note_en),
        (None, None),
        meeting_id=fact.meeting_id,
        participants=[],
    )


SHOWN_AS = Shown(describe, category="meeting", group="Notes")

PLACES = ("vocabulary", "timeline handler", "shown")


def add_type(monkeypatch, leave_out: str | None = None) -> None:
    """Put the new type in each place the checklist names (but ``leave_out``), for this test."""
    if leave_out != "vocabulary":
        monkeypatch.setitem(events.EVENT_TYPES, NEW_TYPE, MeetingNoted)
    if leave_out != "timeline handler":
        monkeypatch.setitem(timeline_model.PROJECTION.handlers, NEW_TYPE, meeting_noted)
    if leave_out != "shown":
        monkeypatch.setitem(SHOWN, NEW_TYPE, SHOWN_AS)


NOTE = {
    "meeting_id": ROUNDTABLE.removeprefix("meeting-"),
    "note_en": "A note of a type that exists only in this test",
    "occurred": {"date": "2025-03"},
    "evidence": [{"source_id": SOURCE_ID, "quote": ROUNDTABLE_QUOTE}],
}


async def test_a_type_in_the_checklist_s_places_is_on_the_timeline_the_page_and_the_exports(
    monkeypatch, client, seeded_log
):
    add_type(monkeypatch)
    assert problems() == [] and unread_types(PROJECTIONS) == set()
    event_id = str(await seeded_log.append(ROUNDTABLE, NEW_TYPE, NOTE))

    response = await client.get("/agencies/pipc/timeline", params={"type": NEW_TYPE})
    assert response.status_code == 200, response.text
    [entry] = response.json()["entries"]
    assert (entry["event_id"], entry["type"], entry["roles"]) == (event_id, NEW_TYPE, ["organiser"])
    assert (entry["title_en"], entry["date"]) == (NOTE["note_en"], "2025-03")
    assert entry["subject"] == {"kind": "meeting", "id": NOTE["meeting_id"]}
    assert [e["quote"] for e in entry["evidence"]] == [ROUNDTABLE_QUOTE]

    page = (await client.get("/", params={"agency": "pipc"})).text
    assert f'class="entry cat-meeting state-active" id="entry-{event_id}"' in page
    assert NEW_TYPE in page.split('data-timeline-types="', 1)[1].split('"', 1)[0].split()

    slides = (await client.get("/agencies/pipc/timeline", params={"format": "timelinejs"})).json()
    [slide] = [s for s in slides["events"] if s["unique_id"] == event_id]
    assert slide["group"] == "Notes"

    table = (await client.get("/agencies/pipc/timeline", params={"format": "csv"})).text
    rows = list(csv.DictReader(io.StringIO(table.removeprefix("\ufeff"))))
    assert [row["type"] for row in rows if row["event_id"] == event_id] == [NEW_TYPE]

    feed = feedparser.parse((await client.get("/agencies/pipc/feed.atom")).content)
    [noted] = [e for e in feed.entries if e.id == f"urn:uuid:{event_id}"]
    assert noted.tags[0].term == NEW_TYPE


@pytest.mark.parametrize("leave_out", PLACES)
def test_a_type_missing_one_of_the_checklist_s_places_is_refused(monkeypatch, leave_out):
    add_type(monkeypatch, leave_out)
    refusals = problems()
    if leave_out == "vocabulary":
        assert refusals == [f"{NEW_TYPE}: handled by the timeline but not in events.EVENT_TYPES"]
    elif leave_out == "timeline handler":
        # No read model of its own reads it, and the timeline has a row for a type it lacks.
        assert unread_types(PROJECTIONS) == {NEW_TYPE}
        assert refusals == [
            f"{NEW_TYPE}: in SHOWN but the timeline's read model has no handler for it"
        ]
    else:
        assert refusals == [
            f"{NEW_TYPE}: on the timeline but not in SHOWN (no view, category or group)"
        ]
