"""Words every format shares: the agency's name, how precise a date is, what a fact is titled."""

from __future__ import annotations

from typing import NamedTuple

from service.queries.timeline import TimelineEntry


class Heading(NamedTuple):
    """The agency an export is of."""

    agency_id: str
    name_ko: str
    name_en: str
    short_en: str | None

    def title(self) -> str:
        english = f"{self.name_en} ({self.short_en})" if self.short_en else self.name_en
        return f"{self.name_ko} · {english}"


def title(entry: TimelineEntry) -> str:
    """Korean and English title, " / " between them when both are known."""
    return " / ".join(t for t in (entry.title_ko, entry.title_en) if t) or entry.type


def place(entry: TimelineEntry) -> str | None:
    """Where a meeting was held: "스타트업얼라이언스 (Startup Alliance), Gangnam, Seoul" (the
    English name only when it differs, then the note); None when no source names the place."""
    return entry.place.label() if entry.place is not None else None


def summary(entry: TimelineEntry) -> str:
    return "\n".join(s for s in (entry.summary_ko, entry.summary_en) if s)


def date_note(entry: TimelineEntry) -> str | None:
    """What a reader must know about a date that is less than a known day; None for a day."""
    parts = []
    if entry.precision != "day":
        parts.append(f"날짜는 {_korean(entry.date)}까지만 알려짐 (known only to the {entry.precision})")
    if entry.approximate:
        parts.append("대략적인 날짜 (approximate)")
    if entry.original_words:
        parts.append(f"원문: “{entry.original_words}”")
    if entry.date_from == "meeting":
        parts.append("회의 날짜를 따름 (the date of its meeting)")
    return "; ".join(parts) or None


def display_date(entry: TimelineEntry) -> str:
    """The reduced date as people write it, marked when approximate: "2025-03 (approx., 최근)"."""
    if not entry.approximate:
        return entry.date
    words = f", {entry.original_words}" if entry.original_words else ""
    return f"{entry.date} (approx.{words})"


def state_note(entry: TimelineEntry) -> str | None:
    if entry.retraction is not None:
        return f"철회됨 (retracted): {entry.retraction.reason}"
    if entry.corrections:
        return f"정정됨 (corrected): {entry.corrections[-1].reason}"
    return None


def _korean(reduced: str) -> str:
    year, _, rest = reduced.partition("-")
    return f"{year}년 {int(rest[:2])}월" if rest else f"{year}년"
