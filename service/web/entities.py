"""What the pages of a person, an organization and a meeting show, read with the same queries
as ``GET /people/{id}``, ``/organizations/{id}`` and ``/meetings/{id}``: the entity, what it said
(with evidence), the meetings it attended or that were held, and the names of everything they
refer to."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import asyncpg

from service.queries.initiatives import Initiative, initiative_page
from service.queries.meetings import Meeting, MeetingSummary, get_meeting, meetings_attended
from service.queries.organizations import Organization, get_organization
from service.queries.people import Person, get_person
from service.queries.statements import Statement
from service.web.names import Names, actors, look_up

MAX_INITIATIVES = 1000


@dataclass
class EntityPage:
    kind: str
    entity: Person | Organization | Meeting
    statements: list[Statement]
    meetings: list[MeetingSummary] = field(default_factory=list)
    """The meetings a person or an organization attended."""
    initiatives: list[Initiative] = field(default_factory=list)
    """The initiatives that build on a meeting."""
    names: Names = field(default_factory=dict)


async def person_page(
    connection: asyncpg.Connection, person_id: str, as_of: datetime | None
) -> EntityPage | None:
    person = await get_person(connection, person_id, as_of)
    if person is None:
        return None
    page = EntityPage("person", person, person.statements,
                      await meetings_attended(connection, "person", person_id, as_of))
    wanted: set[tuple[str, str]] = {(a.kind, a.id) for a in person.affiliations}
    await _name(connection, page, wanted, as_of)
    return page


async def organization_page(
    connection: asyncpg.Connection, organization_id: str, as_of: datetime | None
) -> EntityPage | None:
    organization = await get_organization(connection, organization_id, as_of)
    if organization is None:
        return None
    page = EntityPage("organization", organization, organization.statements,
                      await meetings_attended(connection, "organization", organization_id, as_of))
    await _name(connection, page, set(), as_of)
    return page


async def meeting_page(
    connection: asyncpg.Connection, meeting_id: str, as_of: datetime | None
) -> EntityPage | None:
    meeting = await get_meeting(connection, meeting_id, as_of)
    if meeting is None:
        return None
    # Any agency's initiative may build on the meeting (at most MAX_INITIATIVES are read).
    listed = (await initiative_page(connection, limit=MAX_INITIATIVES, as_of=as_of)).initiatives
    page = EntityPage(
        "meeting", meeting, meeting.statements,
        initiatives=[i for i in listed if meeting_id in i.meetings],
    )
    wanted = {("agency", meeting.organiser), *actors(meeting.attendees)}
    await _name(connection, page, wanted, as_of)
    return page


async def _name(
    connection: asyncpg.Connection, page: EntityPage, wanted: set[tuple[str, str]],
    as_of: datetime | None,
) -> None:
    """Fill ``page.names`` with what the page and its statements and meetings refer to."""
    wanted |= actors(statement.speaker for statement in page.statements)
    wanted |= {("meeting", s.meeting_id) for s in page.statements if s.meeting_id}
    wanted |= {("agency", m.organiser) for m in page.meetings}
    wanted |= {("agency", i.agency_id) for i in page.initiatives}
    names = {f"meeting:{m.meeting_id}": (m.title_ko, m.title_en or "") for m in page.meetings}
    page.names = await look_up(connection, wanted, as_of, names)
