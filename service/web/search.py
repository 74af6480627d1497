"""The page's search box, until the timeline API's ``q`` parameter lands (branch lists9).

``matching`` is the one place that decides which entries a search keeps; when the API takes
``q``, the page passes it to the query instead and this filter goes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from service.queries.timeline import TimelineEntry


def matching(entries: Sequence[TimelineEntry], q: str | None) -> list[TimelineEntry]:
    """The entries whose titles, summaries, participants' descriptions or evidence quotes
    contain ``q`` (case-insensitive substring; Korean has no case, so it is exact there)."""
    needle = (q or "").strip().casefold()
    if not needle:
        return list(entries)
    return [entry for entry in entries if any(needle in text.casefold() for text in _texts(entry))]


def _texts(entry: TimelineEntry) -> Iterable[str]:
    yield from (
        text
        for text in (entry.title_ko, entry.title_en, entry.summary_ko, entry.summary_en)
        if text
    )
    for participant in entry.participants:
        yield from (t for t in (participant.description_ko, participant.description_en) if t)
    for evidence in entry.evidence:
        yield evidence.quote
