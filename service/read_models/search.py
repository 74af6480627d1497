"""Search text and its character bigrams, computed by the handlers (pure Python, no SQL).

Each searchable row carries ``search_text`` (its titles, texts, summaries, notes and evidence
quotes, normalized) and ``search_grams`` (the distinct character bigrams of that text), and a
GIN index on the grams (migration 0006). A query ``q`` of n >= 2 characters is a row whose
grams contain every bigram of ``q`` (the index) and whose text contains ``q`` (the recheck).

Why bigrams and not trigrams: Korean words are short (``가명``, ``공공``, ``규제`` are two
syllables), and pg_trgm extracts no trigram from a two-character LIKE pattern, so such a search
reads the whole index (docs/read-models.md has the measurement). Bigrams serve two characters
and more from the same index, with no extension, the way pg_bigm does.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_SPACE = re.compile(r"\s+")
SEPARATOR = "\n"
"""Between the parts of a row's text: a normalized query has no newline, so no match spans
two parts (a title's end and a quote's start)."""
MIN_QUERY = 2


def normalized(text: str) -> str:
    """NFKC (full-width Latin, compatibility jamo), lower case, one space for any whitespace."""
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", text).lower()).strip()


def bigrams(text: str) -> list[str]:
    """The distinct two-character substrings of ``text`` that a query can contain, sorted."""
    pairs = {text[i : i + 2] for i in range(len(text) - 1)}
    return sorted(pair for pair in pairs if SEPARATOR not in pair)


def search_columns(parts: Iterable[str | None]) -> tuple[str, list[str]]:
    """(``search_text``, ``search_grams``) of a row's texts; empty ones are left out."""
    kept = [normalized(part) for part in parts if part]
    text = SEPARATOR.join(dict.fromkeys(part for part in kept if part))
    return text, bigrams(text)


TEXT_FIELDS = (
    "title_ko", "title_en", "summary_ko", "summary_en", "note_ko", "note_en", "text", "text_en",
)


def fact_texts(value: object) -> list[str | None]:
    """A fact's own searchable texts: the fields above that its type has, and its quotes."""
    texts = [getattr(value, field, None) for field in TEXT_FIELDS]
    texts += [evidence.quote for evidence in getattr(value, "evidence", ())]
    return texts
