"""The SQL condition of a search ``q`` on a table with search columns (migration 0006)."""

from __future__ import annotations

from service.read_models.search import bigrams


def matches(alias: str, q: str, query) -> str:
    """Rows of ``alias`` whose text contains ``q`` (already ``normalized``, 2+ characters):
    the GIN index finds the rows that have every bigram of ``q``; ``strpos`` keeps those where
    the bigrams are in a row (no LIKE, so ``%`` and ``_`` in ``q`` are plain characters)."""
    return (
        f"({alias}.search_grams @> {query.param(bigrams(q))}::text[]"
        f" AND strpos({alias}.search_text, {query.param(q)}) > 0)"
    )
