"""TimelineJS's JSON format (timeline.knightlab.com/docs/json-format.html): a title slide for
the agency and one slide per fact, dated only as precisely as it is known. Retracted facts
are left out: a slide show presents what is believed (the CSV export keeps every entry).
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Iterator
from typing import Any

import msgspec

from service.exports.wording import Heading, date_note, display_date, state_note, summary
from service.queries.timeline import SHOWN, TimelineEntry

MEDIA_TYPE = "application/json"
EXTENSION = "timelinejs.json"
CHUNK_ENTRIES = 200

_encode = msgspec.json.encode


def chunks(heading: Heading, entries: Iterable[TimelineEntry]) -> Iterator[bytes]:
    title = {
        "unique_id": f"agency-{heading.agency_id}",
        "text": {"headline": _html(heading.title()), "text": "<p>AI 정책 타임라인 · AI policy timeline</p>"},
    }
    yield b'{"title":' + _encode(title) + b',"events":['
    first, batch = True, []
    for entry in entries:
        if entry.state == "retracted":
            continue
        batch.append(_encode(slide(entry)))
        if len(batch) == CHUNK_ENTRIES:
            yield (b"" if first else b",") + b",".join(batch)
            first, batch = False, []
    if batch:
        yield (b"" if first else b",") + b",".join(batch)
    yield b"]}"


def slide(entry: TimelineEntry) -> dict[str, Any]:
    start: dict[str, Any] = {"year": entry.earliest.year}
    if entry.precision != "year":
        start["month"] = entry.earliest.month
    if entry.precision == "day":
        start["day"] = entry.earliest.day
    if entry.approximate or entry.precision != "day":
        start["display_date"] = display_date(entry)
    return {
        "unique_id": str(entry.event_id),
        "start_date": start,
        "text": {"headline": _html(entry.title_ko or entry.title_en or entry.type), "text": _body(entry)},
        "group": SHOWN[entry.type].group,
        **({"display_date": start["display_date"]} if "display_date" in start else {}),
    }


def _body(entry: TimelineEntry) -> str:
    """TimelineJS shows ``text`` as HTML: every value is escaped."""
    paragraphs = []
    if entry.title_ko and entry.title_en:
        paragraphs.append(f'<p lang="en">{_html(entry.title_en)}</p>')
    if text := summary(entry):
        paragraphs.append(f"<p>{_html(text)}</p>")
    for note in (date_note(entry), state_note(entry)):
        if note:
            paragraphs.append(f"<p><em>{_html(note)}</em></p>")
    for evidence in entry.evidence:
        paragraphs.append(
            f"<blockquote>{_html(evidence.quote)}</blockquote>"
            f"<p>출처 source: {_html(evidence.source_id)}</p>"
        )
    return "".join(paragraphs)


def _html(text: str) -> str:
    return html.escape(text).replace("\n", "<br>")
