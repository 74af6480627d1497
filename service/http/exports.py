"""An agency's timeline as a file: which format a request asks for, and the streamed answer.

The export is bounded: at most ``POLICY_TIMELINE_MAX_EXPORT_ENTRIES`` entries, read in one
indexed query with that limit, so no request costs work in proportion to the whole log. Its
ETag is a hash of the entries it renders (the rendering is a pure function of them), known
before the first byte is written: so the body can stream, past the ETag middleware, and a
matching ``If-None-Match`` costs no rendering.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal, cast

import asyncpg
import msgspec
from litestar import Request, Response
from litestar.datastructures import Accept
from litestar.enums import MediaType
from litestar.openapi.spec import OpenAPIMediaType, OpenAPIType, Operation, Schema
from litestar.response import Stream

import events
from service.exports import ical, spreadsheet, timelinejs
from service.exports.wording import Heading
from service.http.etags import matches
from service.http.problems import problem
from service.queries.common import decode_fact, entity_row
from service.queries.timeline import TimelineEntry, timeline_page
from service.settings import Settings

Format = Literal["json", "timelinejs", "csv", "ics"]
FORMATS: tuple[Format, ...] = ("json", "timelinejs", "csv", "ics")
EXPORTS = {"timelinejs": timelinejs, "csv": spreadsheet, "ics": ical}
FILE_NAMES = {"timelinejs": "timeline.timelinejs.json", "csv": "timeline.csv", "ics": "meetings.ics"}
RENDERING_VERSION = b"1"
"""Part of every export's ETag: change it when a renderer's output changes."""

# TimelineJS is JSON too: only ``format=timelinejs`` asks for it.
_BY_MEDIA_TYPE: dict[str, Format] = {
    "application/json": "json",
    "text/csv": "csv",
    "text/calendar": "ics",
}

TIMELINEJS_DOCUMENT = Schema(
    type=OpenAPIType.OBJECT,
    title="TimelineJS",
    description="the whole timeline as a TimelineJS 3 document (`format=timelinejs`)",
    required=["title", "events"],
    properties={
        "title": Schema(type=OpenAPIType.OBJECT),
        "events": Schema(type=OpenAPIType.ARRAY, items=Schema(type=OpenAPIType.OBJECT)),
    },
)


@dataclass
class TimelineOperation(Operation):
    """``operation_class=`` of the timeline: its 200 in every format it answers, not only the
    JSON page of its return type."""

    def __post_init__(self) -> None:
        content = cast(dict[str, OpenAPIMediaType], self.responses["200"].content)  # type: ignore[index, union-attr]
        page = cast(Schema, content[MediaType.JSON].schema)
        content[MediaType.JSON] = OpenAPIMediaType(schema=Schema(any_of=[page, TIMELINEJS_DOCUMENT]))
        for media_type, format_ in _BY_MEDIA_TYPE.items():
            if format_ != "json":
                content[media_type] = OpenAPIMediaType(
                    schema=Schema(type=OpenAPIType.STRING, description=f"format={format_}")
                )


def chosen_format(format_: str | None, accept: Accept) -> Format:
    """The ``format`` parameter wins over ``Accept``: a link can carry it, a header can't."""
    if format_ is not None:
        if format_ not in FORMATS:
            raise problem(
                400, "invalid-format", f"format must be one of {', '.join(FORMATS)}, not {format_!r}"
            )
        return format_
    best = accept.best_match(list(_BY_MEDIA_TYPE))
    if best is None:
        raise problem(
            406,
            "not-acceptable",
            f"the timeline is served as {', '.join(_BY_MEDIA_TYPE)} (and format=timelinejs)",
            available=list(_BY_MEDIA_TYPE),
        )
    return _BY_MEDIA_TYPE[best]


async def heading(
    connection: asyncpg.Connection, agency_id: str, as_of: datetime | None
) -> Heading | None:
    row = await entity_row(connection, "agencies", "agency_id", agency_id, as_of)
    if row is None:
        return None
    agency = decode_fact(row)
    assert isinstance(agency, events.AgencyRegistered)
    return Heading(agency.agency_id, agency.name_ko, agency.name_en, agency.short_en)


async def export_entries(
    connection: asyncpg.Connection,
    agency_id: str,
    format_: Format,
    settings: Settings,
    *,
    start: date | None,
    end: date | None,
    types: Sequence[str] | None,
    role: str | None = None,
    q: str | None = None,
    as_of: datetime | None,
) -> list[TimelineEntry]:
    """Every entry the export holds, or a 422 problem when there are more than the cap."""
    if format_ == "ics":
        types = [t for t in (types or ical.TYPES) if t in ical.TYPES]
        if not types:
            return []
    cap = settings.max_export_entries
    page = await timeline_page(
        connection, agency_id, start=start, end=end, types=types, role=role, q=q, limit=cap,
        as_of=as_of,
    )
    if page.next_cursor is not None:
        raise problem(
            422,
            "export-too-large",
            f"the export would hold more than {cap} entries (POLICY_TIMELINE_MAX_EXPORT_ENTRIES);"
            " narrow it with from, to or type, or read the JSON pages",
            max_entries=cap,
        )
    return page.entries


def export_response(
    request: Request[Any, Any, Any], format_: Format, agency: Heading, entries: list[TimelineEntry]
) -> Response[Any]:
    renderer = EXPORTS[format_]
    digest = hashlib.blake2b(digest_size=16)
    for part in (RENDERING_VERSION, format_.encode(), msgspec.json.encode(agency)):
        digest.update(part + b"\0")
    digest.update(msgspec.json.encode(entries))
    etag = f'"x{digest.hexdigest()}"'
    headers = {
        "ETag": etag,
        "Vary": "Accept",
        "Content-Disposition": f'attachment; filename="{agency.agency_id}-{FILE_NAMES[format_]}"',
    }
    if matches(request.headers.get("if-none-match", ""), etag):
        return Response(content=b"", status_code=304, headers=headers)
    # The header, not ``media_type``: a Stream's own media type loses to the route's (JSON).
    return Stream(
        _asynchronous(renderer.chunks(agency, entries)),
        headers={**headers, "Content-Type": renderer.MEDIA_TYPE},
    )


async def _asynchronous(chunks: Iterator[bytes]) -> AsyncIterator[bytes]:
    """Each chunk is rendered on the event loop: a few hundred entries take about a millisecond,
    less than handing each to a thread would cost."""
    for chunk in chunks:
        yield chunk
