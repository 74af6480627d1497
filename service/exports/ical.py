"""iCalendar (RFC 5545) of an agency's meetings: one all-day VEVENT per meeting.

A meeting known to the day is that DATE; one known only to the month or the year spans the
whole period (DTEND is exclusive), is TRANSPARENT (it blocks no one's calendar) and says so
in its DESCRIPTION. A meeting's place, when a source names it, is its LOCATION: the Korean
name, the English one in parentheses, then the note ("스타트업얼라이언스 (Startup Alliance),
Gangnam, Seoul"). A web (http or https) URL of the place is the LOCATION's ALTREP (3.2.1) and,
since many calendar apps ignore ALTREP, a line of the DESCRIPTION too. Retracted meetings are
left out. Written by hand (escaping and folding are a few lines; no runtime dependency): TEXT
values escape ``\\ ; ,`` and newlines, and lines are folded at 75 octets without splitting a
UTF-8 character.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, timedelta
from urllib.parse import quote

import events
from service.exports.wording import Heading, date_note, place, state_note, summary, title
from service.queries.timeline import TimelineEntry

MEDIA_TYPE = "text/calendar; charset=utf-8"
EXTENSION = "ics"
TYPES = ("meeting.held",)
PRODUCT = "-//Policy Timeline//Policy Timeline 0.1.0//EN"
CHUNK_ENTRIES = 200

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def chunks(heading: Heading, entries: Iterable[TimelineEntry]) -> Iterator[bytes]:
    header = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODUCT}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{text(heading.title())}",
    ]
    yield "".join(fold(line) for line in header).encode()
    lines: list[str] = []
    for number, entry in enumerate(entries, 1):
        if entry.type in TYPES and entry.state != "retracted":
            lines.extend(event_lines(entry))
        if number % CHUNK_ENTRIES == 0:
            yield "".join(fold(line) for line in lines).encode()
            lines = []
    lines.append("END:VCALENDAR")
    yield "".join(fold(line) for line in lines).encode()


def event_lines(entry: TimelineEntry) -> list[str]:
    modified = _utc(max([entry.recorded_at, *(c.recorded_at for c in entry.corrections)]))
    location = place(entry)
    link = _quoted_uri(events.web_url(entry.place.url)) if entry.place else None
    where = location and f"장소 (place): {location}" + (f" <{link}>" if link else "")
    description = [summary(entry), where, date_note(entry), state_note(entry)]
    description += [f"“{e.quote}” ({e.source_id})" for e in entry.evidence]
    lines = [
        "BEGIN:VEVENT",
        f"UID:{entry.event_id}",
        # DTSTAMP is when this version of the meeting was recorded, not the time of the
        # request, so an unchanged calendar is byte for byte the same (and keeps its ETag).
        f"DTSTAMP:{modified}",
        f"LAST-MODIFIED:{modified}",
        f"DTSTART;VALUE=DATE:{_day(entry.earliest)}",
        _end(entry.earliest, entry.latest),
        f"SUMMARY:{text(title(entry))}",
        f"DESCRIPTION:{text(chr(10).join(d for d in description if d))}",
    ]
    if location:
        altrep = f';ALTREP="{link}"' if link else ""
        lines.append(f"LOCATION{altrep}:{text(location)}")
    if entry.kind:
        lines.append(f"CATEGORIES:{text(entry.kind)}")
    if entry.precision != "day":
        lines.append("TRANSP:TRANSPARENT")
    lines.append("END:VEVENT")
    return lines


def text(value: str) -> str:
    """A TEXT value (RFC 5545 3.3.11); control characters other than newlines are dropped."""
    value = _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
    return (
        value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """One content line, folded into lines of at most 75 octets (3.1), ending in CRLF."""
    current: list[str]
    pieces, current, size, room = [], [], 0, 75
    for character in line:
        octets = len(character.encode())
        if size + octets > room:
            pieces.append("".join(current))
            current, size, room = [], 0, 74  # a continuation line starts with a space
        current.append(character)
        size += octets
    pieces.append("".join(current))
    return "\r\n ".join(pieces) + "\r\n"


def _quoted_uri(url: str | None) -> str | None:
    """A URL as a URI that fits a quoted parameter value (3.2: no DQUOTE or control
    characters): anything outside URI characters, non-ASCII included, percent-encoded."""
    return quote(url, safe=":/?#[]@!$&'()*+,;=%~") if url else None


def _end(earliest: date, latest: date) -> str:
    """DTEND, the day after the last; a period that ends on 9999-12-31 has no such day and
    gives its DURATION instead (3.6.1)."""
    if latest == date.max:
        return f"DURATION:P{(latest - earliest).days + 1}D"
    return f"DTEND;VALUE=DATE:{_day(latest + timedelta(days=1))}"


def _day(day: date) -> str:
    return day.strftime("%Y%m%d")


def _utc(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
