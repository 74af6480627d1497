"""Evidence: the exact words of a registered source that state a fact."""

from __future__ import annotations

import hashlib
from typing import Annotated

import msgspec

from events.base import Id, Text, Value


class Evidence(Value, kw_only=True):
    """`quote` must be an exact substring of the text of source `source_id` (checked on append)."""

    source_id: Id
    quote: Text


EvidenceList = Annotated[tuple[Evidence, ...], msgspec.Meta(min_length=1)]
"""At least one piece of evidence: every fact is traceable to the sentence that states it."""

OptionalEvidence = tuple[Evidence, ...]


def sha256_text(text: str) -> str:
    """Hex sha256 of the UTF-8 bytes of `text`."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def quote_in_text(quote: str, text: str) -> bool:
    """Whether `quote` occurs in `text` exactly, byte for byte (no normalisation); blank quotes never do."""
    return bool(quote.strip()) and quote in text
