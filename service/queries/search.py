"""The SQL of a search ``q`` on a table with a ``search_text`` column and a GIN index on its
bigrams (migrations 0006, 0009), and how a list with ``q`` finds its page.

Two plans, each right for one kind of term (docs/read-models.md, "Search"):

- **the walk**: the list's order index, rows in list order, each checked for ``q``, stopping
  at a page of matches. Cheap for a common term (a page of 50 comes within a few hundred
  rows), ruinous for a rare one (it would read the whole list);
- **the bitmap**: the GIN index on ``search_bigrams(search_text)`` finds every row that has
  ``q``'s bigrams, each is checked with ``strpos``, all are sorted for the page. Cheap for a
  rare term, ruinous for a common one (tens of thousands of rows checked and sorted for 50).

The planner cannot tell them apart: the service's statements are prepared, and a generic plan
knows nothing of ``q``; even for a custom plan, PostgreSQL multiplies the frequencies of a
word's bigrams as if independent (~100x too few rows for a common four-character word). So a
list does not leave the choice to it (``search_rows``): it walks ``WALK_ROWS`` rows, then, if
they held some matches but not a page, walks on for as many rows as their share of matches
says a page needs (bounded), and only then asks the bitmap plan (the list's query with
``matches`` in its WHERE). All give the same rows in the same order: a walk is a prefix of
the list.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime
from typing import NamedTuple

import asyncpg

from service.queries.common import Query
from service.queries.paging import SortKey, after_clause, order_by
from service.read_models.search import bigrams

WALK_ROWS = 2000
"""Rows of a list that a search first reads in list order (~2-4 ms at 1M events): a page of 50
fits in them if one row in 40 matches. A term with no match in them goes to the bitmap plan."""


def matches(alias: str, q: str, query: Query) -> str:
    """Rows of ``alias`` whose text contains ``q`` (already ``normalized``, 2+ characters):
    the GIN index on ``search_bigrams(search_text)`` finds the rows that have every bigram of
    ``q`` (``bigrams(q)``: the same pairs as the SQL function's); ``strpos`` keeps those where
    the bigrams are in a row (no LIKE, so ``%`` and ``_`` in ``q`` are plain characters). The
    expression is the index's, ``COLLATE "C"`` included, or the index is not used."""
    return (
        f"""((search_bigrams({alias}.search_text) COLLATE "C")"""
        f" @> {query.param(bigrams(q))}::text[]"
        f" AND strpos({alias}.search_text, {query.param(q)}) > 0)"
    )


def contains(alias: str, q: str, query: Query) -> str:
    """``matches`` for a row at hand (the walk checks each row it reads): ``strpos`` alone. A
    text that contains ``q`` has every bigram of ``q`` (a pair of ``q`` without the separator
    is a pair of the text without it), so this finds exactly the rows that ``matches`` finds,
    without computing any row's bigrams (the function is costly: ``COST 10000``)."""
    return f"(strpos({alias}.search_text, {query.param(q)}) > 0)"


Condition = Callable[[str, str, Query], str]
"""``(alias, q, query)`` -> an SQL condition on the row ``alias``, like ``matches``."""


class Walk(NamedTuple):
    """A walk of at most ``rows`` rows of a list, after ``start`` (after the list's start)."""

    rows: int
    start: SortKey | None = None


def walk(
    table: str, alias: str, conditions: list[str], hit: str, walking: Walk, query: Query
) -> tuple[str, str]:
    """The walk: a FROM item to use in place of ``table AS alias`` (the first
    ``walking.rows`` rows of ``table`` in list order, after ``walking.start``, that meet the
    list's ``conditions``, with ``search_hit``: whether the row meets ``hit``, and
    ``search_n``: its number in the walk), and the WHERE condition that keeps the hits and the
    walk's last row (so that the caller can tell a walk that reached its bound from a list
    that ended, and continue after it). The list's SELECT adds ``walk_columns``."""
    order = order_by(alias)
    # A literal, not a parameter: the service's statements are prepared, and a generic plan
    # with an unknown LIMIT would assume a tenth of the list (a sort of a whole agency's
    # entries, rather than the walk of its order index).
    bound = int(walking.rows)
    if walking.start is not None:
        conditions = [*conditions, after_clause(alias, walking.start, query)]
    source = f"""(SELECT {alias}.*, {hit} AS search_hit,
                row_number() OVER (ORDER BY {order}) AS search_n
            FROM {table} AS {alias} WHERE {" AND ".join(conditions) or "true"}
            ORDER BY {order} LIMIT {bound}) AS {alias}"""
    return source, f"({alias}.search_hit OR {alias}.search_n = {bound})"


def searched(
    table: str,
    alias: str,
    conditions: list[str],
    q: str | None,
    walking: Walk | None,
    query: Query,
    *,
    hit: Condition | None = None,
    match: Condition | None = None,
) -> tuple[str, list[str], str]:
    """A list's FROM item, WHERE conditions and extra columns for ``q``: with a walk, the walk
    over ``table`` (a row is a hit when it meets ``hit``, by default ``contains``); without,
    ``table`` itself with ``match`` (by default ``matches``) among the conditions; no ``q``,
    ``table`` and ``conditions`` as they are. Only the condition used is built, as building
    one adds its parameters to ``query``."""
    if q is None:
        return f"{table} AS {alias}", conditions, ""
    if walking is None:
        return f"{table} AS {alias}", [*conditions, (match or matches)(alias, q, query)], ""
    source, kept = walk(
        table, alias, conditions, (hit or contains)(alias, q, query), walking, query
    )
    return source, [kept], walk_columns(alias)


def walk_columns(alias: str) -> str:
    """The walk's columns that ``walked`` reads, to add to the list's SELECT."""
    return (
        f", {alias}.search_hit, {alias}.search_n, {alias}.earliest AS search_earliest,"
        f" {alias}.precision_rank AS search_rank, {alias}.position AS search_position"
    )


def walked(
    rows: list[asyncpg.Record], walking: Walk
) -> tuple[list[asyncpg.Record], SortKey | None]:
    """The hits of a walk's result in order, and where the walk stopped if it reached its
    bound (None: the list ended within it)."""
    hits = [row for row in rows if row["search_hit"]]
    if not rows or rows[-1]["search_n"] != walking.rows:
        return hits, None
    last = rows[-1]
    return hits, SortKey(last["search_earliest"], last["search_rank"], last["search_position"])


SECOND_WALK = 9
"""A second walk reads at most this many times ``walk_rows``."""


async def list_rows(
    connection: asyncpg.Connection,
    as_of: datetime | None,
    sql: Callable[[Query, Walk | None], str],
    q: str | None,
    *,
    limit: int,
    walk_rows: int,
) -> list[asyncpg.Record]:
    """A list's rows (up to ``limit + 1``): ``sql(query, None)`` when there is no ``q``,
    otherwise as ``search_rows`` finds them."""
    if q is not None:
        return await search_rows(connection, as_of, sql, limit=limit, walk_rows=walk_rows)
    return await index_rows(connection, as_of, sql)


async def search_rows(
    connection: asyncpg.Connection,
    as_of: datetime | None,
    sql: Callable[[Query, Walk | None], str],
    *,
    limit: int,
    walk_rows: int,
) -> list[asyncpg.Record]:
    """A list's rows for ``q`` (up to ``limit + 1``): ``sql(query, walk)`` is the list's query
    over ``walk``, ``sql(query, None)`` the same with ``matches`` in its WHERE (the bitmap
    plan); each with ``ORDER BY`` the list's order and ``LIMIT limit + 1``.

    1. Walk ``walk_rows`` rows. A page of matches in them, or the list's end: done.
    2. No match in them: a rare term, the bitmap plan answers.
    3. Some: walk on after them, as many rows as their share of matches says a page needs
       (a quarter more, rounded up to a power of two), at most ``SECOND_WALK`` times
       ``walk_rows``; a page or the end: done; otherwise the bitmap plan answers."""
    hits: list[asyncpg.Record] = []
    walking = Walk(walk_rows)
    for _ in range(2):
        if walking.rows <= 0:
            break
        query = Query(as_of)
        found, stopped = walked(await query.fetch(connection, sql(query, walking)), walking)
        hits += found
        if len(hits) > limit:
            return hits[: limit + 1]
        if stopped is None:
            return hits
        if not hits:
            break
        needed = math.ceil((limit + 1 - len(hits)) * walk_rows / len(hits) * 1.25)
        # Rounded up to a power of two: the bound is in the statement's text, and a few
        # texts keep the connection's cache of prepared statements (and their plans) small.
        walking = Walk(min(1 << (needed - 1).bit_length(), SECOND_WALK * walk_rows), stopped)
    return await index_rows(connection, as_of, sql)


async def index_rows(
    connection: asyncpg.Connection, as_of: datetime | None, sql: Callable[[Query, Walk | None], str]
) -> list[asyncpg.Record]:
    """The list's query without a walk (with ``matches`` when there is a ``q``: the bitmap
    plan), as the planner plans it."""
    query = Query(as_of)
    return await query.fetch(connection, sql(query, None))
