"""Finding a quote in a source's text where it is not written exactly as there.

Both sides are normalized for the search (typographic quotation marks to straight ones, the
middle dots to one, each run of spaces to one space), and what is found is mapped back to
offsets in the original text; then the passage and the quote are compared piece by piece to
say what differs. Pure: the endpoint (``POST /sources/{id}/locate``) reads the text.
"""

from __future__ import annotations

import difflib
from typing import Literal

import msgspec

import events

QUOTATION_MARKS = {"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "‚": "'"}
MIDDLE_DOTS = {"ㆍ": "·", "・": "·", "‧": "·", "∙": "·", "⋅": "·", "･": "·"}
_FOLD = {**QUOTATION_MARKS, **MIDDLE_DOTS}

DifferenceKind = Literal["quotation-mark", "middle-dot", "space", "text"]


class Span(msgspec.Struct, kw_only=True):
    start: int
    """Offsets in the source's text, in Unicode code points: ``text[start:end]``."""
    end: int
    passage: str
    """``text[start:end]``: the words as the source has them."""


class Difference(msgspec.Struct, kw_only=True):
    kind: DifferenceKind
    in_quote: str
    in_text: str
    start: int
    """Where the source's side of the difference stands in its text."""
    end: int


class Location(msgspec.Struct, kw_only=True):
    source_id: str
    exact: bool
    """Whether the quote is in the text exactly as given (then ``differences`` is empty)."""
    occurrences: list[Span]
    """Every occurrence (that the prefix and suffix allow); where none is exact, those found
    once normalized, or else the nearest passage; empty when nothing is near."""
    differences: list[Difference]
    """How the quote differs from the first occurrence."""


def normalize(text: str) -> tuple[str, list[int]]:
    """The normalized text and, for each of its characters and one past the last, the offset
    in ``text`` where it starts (a run of spaces becomes one space that stands for the run)."""
    out: list[str] = []
    starts: list[int] = []
    for index, char in enumerate(text):
        if char.isspace():
            if out and text[index - 1].isspace():
                continue
            out.append(" ")
        else:
            out.append(_FOLD.get(char, char))
        starts.append(index)
    starts.append(len(text))
    return "".join(out), starts


def locate_quote(
    source_id: str, text: str, quote: str, prefix: str | None = None, suffix: str | None = None
) -> Location:
    exact = [
        span for span in events.occurrences(quote, text)
        if events.in_context(text, span, prefix, suffix)
    ]
    if exact:
        return Location(source_id=source_id, exact=True, occurrences=_spans(text, exact), differences=[])
    spans = _normalized(text, quote, prefix, suffix) or _nearest(text, quote)
    return Location(
        source_id=source_id, exact=False, occurrences=_spans(text, spans),
        differences=differences(quote, text, spans[0]) if spans else [],
    )


def _spans(text: str, spans: list[tuple[int, int]]) -> list[Span]:
    return [Span(start=s, end=e, passage=text[s:e]) for s, e in spans]


def _normalized(text: str, quote: str, prefix: str | None, suffix: str | None) -> list[tuple[int, int]]:
    folded, starts = normalize(text)
    wanted = normalize(quote)[0].strip()
    if not wanted:
        return []
    before = normalize(prefix)[0] if prefix else None
    after = normalize(suffix)[0] if suffix else None
    return [
        (starts[s], _end(text, starts, e))
        for s, e in events.occurrences(wanted, folded)
        if events.in_context(folded, (s, e), before, after)
    ]


def _end(text: str, starts: list[int], end: int) -> int:
    """The original offset after normalized character ``end - 1`` (after its whole run of
    spaces, where it stands for one)."""
    return starts[end] if end < len(starts) else len(text)


def _nearest(text: str, quote: str) -> list[tuple[int, int]]:
    """The passage of the quote's length that shares the most with it, if any is similar."""
    matcher = difflib.SequenceMatcher(None, text, quote, autojunk=False)
    blocks = [block for block in matcher.get_matching_blocks() if block.size]
    if not blocks:
        return []
    longest = max(blocks, key=lambda block: block.size)
    start = max(0, longest.a - longest.b)
    end = min(len(text), start + len(quote))
    ratio = difflib.SequenceMatcher(None, text[start:end], quote, autojunk=False).ratio()
    return [(start, end)] if ratio >= 0.5 else []


def differences(quote: str, text: str, span: tuple[int, int]) -> list[Difference]:
    """What differs between the quote and ``text[span]``, each piece named by its kind."""
    start, end = span
    passage = text[start:end]
    found = []
    matcher = difflib.SequenceMatcher(None, quote, passage, autojunk=False)
    for tag, q1, q2, p1, p2 in matcher.get_opcodes():
        if tag != "equal":
            found.append(Difference(
                kind=_kind(quote[q1:q2], passage[p1:p2]), in_quote=quote[q1:q2],
                in_text=passage[p1:p2], start=start + p1, end=start + p2,
            ))
    return found


def _kind(in_quote: str, in_text: str) -> DifferenceKind:
    pieces = in_quote + in_text
    if pieces and all(c.isspace() for c in pieces):
        return "space"
    if in_quote and in_text and normalize(in_quote)[0] == normalize(in_text)[0]:
        if all(c in QUOTATION_MARKS or c in "\"'" for c in pieces):
            return "quotation-mark"
        if all(c in MIDDLE_DOTS or c == "·" for c in pieces):
            return "middle-dot"
    return "text"
