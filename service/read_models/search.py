"""Search text, computed by the handlers (pure Python, no SQL); its bigrams, by PostgreSQL.

Each searchable row of ``timeline_entries``, ``statements``, ``meetings`` and
``initiative_history`` carries ``search_text``: its titles, texts, summaries, notes and
evidence quotes, normalized (a fact's text is normalized once, however many rows show it:
``search_columns``). Its character bigrams are PostgreSQL's: ``search_bigrams(search_text)``
(migration 0009), an IMMUTABLE SQL function under a GIN expression index on each table. A
query ``q`` of n >= 2 characters is a row whose bigrams contain every bigram of ``q`` (the
index; the query passes ``bigrams(q)`` below, the same pairs as the SQL function's) and whose
text contains ``q`` (the ``strpos`` recheck).

Why bigrams and not trigrams: Korean words are short (``가명``, ``공공``, ``규제`` are two
syllables), and pg_trgm extracts no trigram from a two-character LIKE pattern, so such a search
reads the whole index (docs/read-models.md has the measurement). Bigrams serve two characters
and more from the same index, with no extension, the way pg_bigm does.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterable

SEPARATOR = "\n"
"""Between the parts of a fact's text: a normalized query has no newline, so no match spans
two parts (a title's end and a quote's start)."""
MIN_QUERY = 2


def normalized(text: str) -> str:
    """NFKC (full-width Latin, compatibility jamo), lower case, one space for any whitespace.

    NFKC only where the text is not NFKC already (the quick check, most text is), and
    ``str.split`` for the whitespace (the same characters as the regular expression ``\\s+``
    in Python's ``re`` over ``str``): the same result as
    ``re.sub(r"\\s+", " ", unicodedata.normalize("NFKC", text).lower()).strip()``, at about
    a third of its cost (tests/unit/test_search_text.py proves them equal)."""
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    return " ".join(text.lower().split())


def bigrams(text: str) -> list[str]:
    """The distinct two-character substrings of ``text`` that a query can contain, sorted:
    as a set, what the SQL function ``search_bigrams`` returns (which keeps duplicates)."""
    pairs = {text[i : i + 2] for i in range(len(text) - 1)}
    return sorted(pair for pair in pairs if SEPARATOR not in pair)


def search_columns(parts: Iterable[str | None]) -> tuple[str]:
    """A row's search columns, ``(search_text,)``, of its texts (empty ones left out)."""
    return (search_text(tuple(parts)),)


@functools.lru_cache(maxsize=64)
def search_text(parts: tuple[str | None, ...]) -> str:
    """The texts normalized and joined, empty and repeated ones left out.

    Kept for the last few facts: every projection that shows a fact derives its rows from the
    same decoded value one after the other (``Fold``), so the statement's text is normalized
    once for ``statements`` and ``timeline_entries``, not once per table (the parts' strings
    are the same objects, whose hashes Python keeps)."""
    kept = [normalized(part) for part in parts if part]
    return SEPARATOR.join(dict.fromkeys(part for part in kept if part))


TEXT_FIELDS = (
    "title_ko", "title_en", "summary_ko", "summary_en", "note_ko", "note_en", "text", "text_en",
)


def fact_texts(value: object) -> list[str | None]:
    """A fact's own searchable texts: the fields above that its type has, and its quotes."""
    texts = [getattr(value, field, None) for field in TEXT_FIELDS]
    texts += [evidence.quote for evidence in getattr(value, "evidence", ())]
    return texts
