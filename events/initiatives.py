"""Initiatives: the policies, plans, programmes and guidelines an agency announces, and their status."""

from __future__ import annotations

from typing import ClassVar, Literal

from events.base import AgencyId, Event, Id, MeetingId, Slug, Text
from events.dates import Occurred
from events.evidence import EvidenceList

InitiativeKind = Literal[
    "plan", "policy", "programme", "guideline", "strategy", "regulation", "law", "fund", "other"
]

Status = Literal["planned", "in_preparation", "published", "completed", "cancelled"]


class InitiativeAnnounced(Event, frozen=True, kw_only=True):
    """An agency announces an initiative; `occurred` is when it was announced (or, for one already
    in place, when it was made). `due` keeps the source's words for when it is due ("향후"), as
    no date is invented for it. `title_is_official` marks a name the source quotes as the title;
    otherwise the title is descriptive."""

    TYPE: ClassVar[str] = "initiative.announced"
    STREAM: ClassVar[str] = "initiative"
    KEY: ClassVar[str] = "initiative_id"

    initiative_id: Id
    agency: AgencyId
    title_ko: Text
    title_en: Text | None = None
    title_is_official: bool = False
    kind: InitiativeKind
    status: Status
    summary_ko: Text | None = None
    summary_en: Text | None = None
    due: Text | None = None
    meetings: tuple[MeetingId, ...] = ()  # meetings whose results it builds on
    topics: tuple[Slug, ...] = ()
    occurred: Occurred
    evidence: EvidenceList


class InitiativeStatusChanged(Event, frozen=True, kw_only=True):
    """The initiative's status moves on. It belongs to the initiative's own stream, so its
    initiative is not one of its references."""

    TYPE: ClassVar[str] = "initiative.status_changed"
    STREAM: ClassVar[str] = "initiative"
    KEY: ClassVar[str] = "initiative_id"

    initiative_id: Id
    status: Status
    note_ko: Text | None = None
    note_en: Text | None = None
    occurred: Occurred
    evidence: EvidenceList
