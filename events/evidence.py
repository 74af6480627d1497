"""Evidence: the exact words of a registered source that state a fact."""

from __future__ import annotations

import hashlib
from typing import Annotated

import msgspec

from events.base import SourceId, Text, Value


class Evidence(Value, frozen=True, kw_only=True, omit_defaults=True):
    """`quote` must be an exact substring of the text of source `source_id` (checked on append).

    `prefix` and `suffix` (as in a W3C TextQuoteSelector) are the text immediately before and
    after the quote; they are needed, and must match, where the quote occurs more than once.
    Left out when not given (``omit_defaults``), so evidence written before they existed
    encodes to the same bytes, and a retry of it is still recognised.
    """

    source_id: SourceId
    quote: Text
    prefix: Text | None = None
    suffix: Text | None = None


EvidenceList = Annotated[tuple[Evidence, ...], msgspec.Meta(min_length=1)]
"""At least one piece of evidence: every fact is traceable to the sentence that states it."""

OptionalEvidence = tuple[Evidence, ...]


def sha256_text(text: str) -> str:
    """Hex sha256 of the UTF-8 bytes of `text`."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def occurrences(quote: str, text: str) -> list[tuple[int, int]]:
    """Every (start, end) of `quote` in `text`, in code points, overlapping ones included."""
    found = []
    start = text.find(quote) if quote else -1
    while start >= 0:
        found.append((start, start + len(quote)))
        start = text.find(quote, start + 1)
    return found


def in_context(
    text: str, span: tuple[int, int], prefix: str | None, suffix: str | None
) -> bool:
    """Whether the text right before and after `span` is `prefix` and `suffix` (when given)."""
    start, end = span
    before = prefix is None or text[:start].endswith(prefix)
    return before and (suffix is None or text.startswith(suffix, end))


def locate(evidence: Evidence, text: str) -> tuple[int, int] | None:
    """The (start, end) of the one occurrence of the quote that its prefix and suffix select;
    None where there is none or more than one."""
    spans = [
        span for span in occurrences(evidence.quote, text)
        if in_context(text, span, evidence.prefix, evidence.suffix)
    ]
    return spans[0] if len(spans) == 1 else None


def quote_in_text(quote: str, text: str) -> bool:
    """Whether `quote` occurs in `text` exactly, byte for byte (no normalisation); blank quotes never do."""
    return bool(quote.strip()) and quote in text
