"""meeting.held: a meeting an agency organised."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

import msgspec

from events.actors import ActorRef
from events.base import AgencyId, Event, Id, Slug, Text, Value
from events.dates import Occurred
from events.evidence import EvidenceList
from events.urls import WebUrl

MeetingKind = Literal[
    "roundtable", "review_meeting", "conference", "hearing", "briefing", "consultation", "other"
]


class Count(Value, frozen=True, kw_only=True):
    """A head count as the source gives it: "20여명" is `{"value": 20, "approximate": true}`."""

    value: Annotated[int, msgspec.Meta(ge=0)]
    approximate: bool = False
    original: Text | None = None


class Place(Value, frozen=True, kw_only=True):
    """Where a meeting was held, as the source names it ("스타트업얼라이언스", Startup Alliance)."""

    name_ko: Text
    name_en: Text
    note: Text | None = None
    url: WebUrl | None = None

    def label(self) -> str:
        """"스타트업얼라이언스 (Startup Alliance), Gangnam, Seoul": the English name only when it
        differs, then the note."""
        name = self.name_ko
        if self.name_en != self.name_ko:
            name += f" ({self.name_en})"
        return f"{name}, {self.note}" if self.note else name


class MeetingHeld(Event, frozen=True, kw_only=True):
    """`attendees` are the registered actors the source places at the meeting; `attendee_count`
    is the source's head count, which may include people who are not registered."""

    TYPE: ClassVar[str] = "meeting.held"
    STREAM: ClassVar[str] = "meeting"
    KEY: ClassVar[str] = "meeting_id"
    ADDED: ClassVar[tuple[str, ...]] = ("place",)

    meeting_id: Id
    organiser: AgencyId
    title_ko: Text
    title_en: Text | None = None
    title_is_official: bool = False
    kind: MeetingKind
    attendees: tuple[ActorRef, ...] = ()
    attendee_count: Count | None = None
    topics: tuple[Slug, ...] = ()
    summary_ko: Text | None = None
    summary_en: Text | None = None
    place: Place | None = None
    occurred: Occurred
    evidence: EvidenceList
