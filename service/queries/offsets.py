"""Where each quote stands in its source's text: computed when a fact is read, not stored.

The stored events keep their data as appended (the seed's among them, whose bytes are their
retry identity), so the offsets are worked out by the query that reads a fact: the position
of ``prefix + quote + suffix`` in the source's current text (PostgreSQL's ``strpos`` and
``length`` count code points, as Python's ``str`` does). The append checks make that
occurrence the only one; for evidence stored before they did, it is the first.
"""

from __future__ import annotations

from collections.abc import Sequence

import msgspec

import events

OFFSETS_SQL = """(SELECT jsonb_agg(
        CASE WHEN o.at > 0 THEN jsonb_build_array(o.at - 1 + o.before,
                                                  o.at - 1 + o.before + length(e.item ->> 'quote'))
        END ORDER BY e.n)
    FROM jsonb_array_elements({t}.fact -> 'evidence') WITH ORDINALITY AS e (item, n)
    CROSS JOIN LATERAL (SELECT
        length(coalesce(e.item ->> 'prefix', '')) AS before,
        strpos(
            (SELECT s.fact ->> 'text' FROM facts AS s
             WHERE s.entity = 'source-' || (e.item ->> 'source_id') AND s.known_until IS NULL),
            coalesce(e.item ->> 'prefix', '') || (e.item ->> 'quote')
                || coalesce(e.item ->> 'suffix', '')
        ) AS at) AS o
)::text AS offsets"""
"""A column of ``[[start, end] | null, ...]``, one per evidence item of ``{t}.fact``."""

_offsets = msgspec.json.Decoder(list[tuple[int, int] | None] | None)


class LocatedEvidence(msgspec.Struct, kw_only=True):
    """A piece of evidence and where its quote stands in the source's text: ``text[start:end]``
    in Unicode code points (null only where the source's text no longer holds it)."""

    source_id: str
    quote: str
    prefix: str | None = None
    suffix: str | None = None
    start: int | None = None
    end: int | None = None


def located(evidence: Sequence[events.Evidence], offsets: str | None) -> list[LocatedEvidence]:
    """The evidence with the offsets of an ``OFFSETS_SQL`` column."""
    spans = _offsets.decode(offsets) if offsets else None
    spans = spans or [None] * len(evidence)
    return [
        LocatedEvidence(
            source_id=item.source_id, quote=item.quote, prefix=item.prefix, suffix=item.suffix,
            start=span[0] if span else None, end=span[1] if span else None,
        )
        for item, span in zip(evidence, spans, strict=True)
    ]


def span_in(text: str, quote: str, prefix: str | None, suffix: str | None) -> tuple[int, int] | None:
    """What ``OFFSETS_SQL`` computes, for a text at hand: the first ``prefix + quote + suffix``."""
    at = text.find(f"{prefix or ''}{quote}{suffix or ''}")
    if at < 0:
        return None
    start = at + len(prefix or "")
    return start, start + len(quote)
