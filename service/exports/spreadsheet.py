"""CSV (RFC 4180) of every timeline entry, one row each, for spreadsheets.

UTF-8 with a byte order mark: without it Excel reads the bytes as the local code page and
shows Korean as mojibake. A cell that would start with ``=``, ``+``, ``-``, ``@`` or a control
character gets a leading apostrophe, so a spreadsheet shows it as text instead of running it
as a formula (the quotes are an appender's text: OWASP's "CSV injection").
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from service.exports.wording import Heading
from service.queries.timeline import TimelineEntry

MEDIA_TYPE = "text/csv; charset=utf-8"
EXTENSION = "csv"
CHUNK_ENTRIES = 500
BOM = "\ufeff"

COLUMNS = (
    "date", "precision", "approximate", "original_words", "type", "state",
    "title_ko", "title_en", "summary_ko", "summary_en", "evidence_quotes", "source_ids",
    "event_id", "recorded_at", "date_from",
)
"""``date_from`` came last, so readers of the columns before it by position still read them."""

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def chunks(heading: Heading, entries: Iterable[TimelineEntry]) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write(BOM)
    writer.writerow(COLUMNS)
    for number, entry in enumerate(entries, 1):
        writer.writerow([_cell(value) for value in row(entry)])
        if number % CHUNK_ENTRIES == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def row(entry: TimelineEntry) -> list[str]:
    """Several quotes are separated by a blank line, their source ids by a space."""
    return [
        entry.date,
        entry.precision,
        "true" if entry.approximate else "false",
        entry.original_words or "",
        entry.type,
        entry.state,
        entry.title_ko or "",
        entry.title_en or "",
        entry.summary_ko or "",
        entry.summary_en or "",
        "\n\n".join(e.quote for e in entry.evidence),
        " ".join(entry.source_ids),
        str(entry.event_id),
        entry.recorded_at.isoformat(),
        entry.date_from,
    ]


def _cell(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_STARTS) else value
