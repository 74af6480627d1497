"""The SQL of a search ``q`` on a table with search columns (migration 0006), and how a list
with ``q`` finds its page.

Two plans, each right for one kind of term (docs/read-models.md, "Search"):

- **the walk**: the list's order index, rows in list order, each checked for ``q``, stopping
  at a page of matches. Cheap for a common term (a page of 50 matches comes within a few
  hundred rows), ruinous for a rare one (it would read the whole list);
- **the bitmap**: the GIN index on ``search_grams`` finds every row that has ``q``'s bigrams,
  each is checked with ``strpos``, all are sorted for the page. Cheap for a rare term,
  ruinous for a common one (tens of thousands of rows checked and sorted for 50).

PostgreSQL's estimate of ``search_grams @> …`` cannot tell them apart (it multiplies the
frequencies of a word's bigrams as if independent: ~100x too few rows for a common four
character word), so the list does not leave the choice to the planner: it first walks at most
``WALK_ROWS`` rows of the list (``walk``), and only when those hold less than a page of
matches and the list goes on does it ask the bitmap plan (the list's query with ``matches``
in its WHERE). Both give the same rows in the same order: the walk is a prefix of the list.
"""

from __future__ import annotations

from collections.abc import Callable

import asyncpg

from service.queries.common import Query
from service.queries.paging import order_by
from service.read_models.search import bigrams

WALK_ROWS = 2000
"""Rows of a list that a search reads in list order before it falls back to the bitmap plan.
A page of 50 fits in them if about one row in 40 matches."""


def matches(alias: str, q: str, query) -> str:
    """Rows of ``alias`` whose text contains ``q`` (already ``normalized``, 2+ characters):
    the GIN index finds the rows that have every bigram of ``q``; ``strpos`` keeps those where
    the bigrams are in a row (no LIKE, so ``%`` and ``_`` in ``q`` are plain characters)."""
    return (
        f"({alias}.search_grams @> {query.param(bigrams(q))}::text[]"
        f" AND strpos({alias}.search_text, {query.param(q)}) > 0)"
    )


def contains(alias: str, q: str, query) -> str:
    """``matches`` for a row at hand (the walk checks each row it reads): the same condition,
    ``strpos`` first. A row's text is mostly stored inline and its grams often are not (TOAST),
    so checking the text first and the grams only of a row that has ``q`` reads a third of the
    buffers: 2,000 rows of a timeline walked in ~2 ms instead of ~6.5 ms at 1M events. The
    grams check stays so that a walk finds exactly the rows that ``matches`` finds."""
    return (
        f"(strpos({alias}.search_text, {query.param(q)}) > 0"
        f" AND {alias}.search_grams @> {query.param(bigrams(q))}::text[])"
    )


def walk(
    table: str, alias: str, conditions: list[str], hit: str, rows: int, query: Query
) -> tuple[str, str]:
    """The walk: a FROM item to use in place of ``table AS alias`` (the first ``rows`` rows of
    ``table`` in list order that meet the list's ``conditions``, with ``search_hit``: whether
    the row meets ``hit``, and ``search_n``: its number in the walk), and the WHERE condition
    that keeps the hits and the walk's last row (so that the caller can tell a walk that
    reached its bound from a list that ended). The list's SELECT adds ``walk_columns``."""
    order = order_by(alias)
    # A literal, not a parameter: the service's statements are prepared, and a generic plan
    # with an unknown LIMIT would assume a tenth of the list (a sort of a whole agency's
    # entries, rather than the walk of its order index).
    bound = int(rows)
    source = f"""(SELECT {alias}.*, {hit} AS search_hit,
                row_number() OVER (ORDER BY {order}) AS search_n
            FROM {table} AS {alias} WHERE {" AND ".join(conditions) or "true"}
            ORDER BY {order} LIMIT {bound}) AS {alias}"""
    return source, f"({alias}.search_hit OR {alias}.search_n = {bound})"


def walk_columns(alias: str) -> str:
    """The walk's columns that ``walked_page`` reads, to add to the list's SELECT."""
    return f", {alias}.search_hit, {alias}.search_n"


def walked_page(rows: list, limit: int, walk_rows: int) -> list | None:
    """The ``limit + 1`` rows (or fewer: the list's end) of a walk's result, or None when the
    walk reached its bound before it found them (then the bitmap plan answers)."""
    hits = [row for row in rows if row["search_hit"]]
    if len(hits) > limit:
        return hits[: limit + 1]
    if rows and rows[-1]["search_n"] == walk_rows:
        return None
    return hits


async def search_rows(
    connection: asyncpg.Connection,
    as_of,
    sql: Callable[[Query, int | None], str],
    *,
    limit: int,
    walk_rows: int,
) -> list[asyncpg.Record]:
    """A list's rows for ``q``: ``sql(query, walk_rows)`` is the list's query over ``walk``,
    ``sql(query, None)`` the same with ``matches`` in its WHERE (the bitmap plan); each with
    ``ORDER BY`` the list's order and ``LIMIT limit + 1``."""
    if walk_rows > 0:
        query = Query(as_of)
        rows = walked_page(await query.fetch(connection, sql(query, walk_rows)), limit, walk_rows)
        if rows is not None:
            return rows
    query = Query(as_of)
    return await query.fetch(connection, sql(query, None))
