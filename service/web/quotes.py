"""A source's text cut around one quote, so the page can mark exactly that passage."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Passage:
    before: str
    quote: str
    after: str
    found: bool


def cut(text: str, quote: str | None, occurrence: int = 1) -> Passage:
    """The text before, at and after the ``occurrence``-th exact occurrence of ``quote``
    (the first by default: evidence quotes are exact substrings, checked on append)."""
    if not quote:
        return Passage(text, "", "", False)
    start = -1
    for _ in range(max(occurrence, 1)):
        start = text.find(quote, start + 1)
        if start < 0:
            return Passage(text, "", "", False)
    end = start + len(quote)
    return Passage(text[:start], text[start:end], text[end:], True)
