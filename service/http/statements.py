"""Statements, filtered, searched and paged in timeline order, and one by id."""

from __future__ import annotations

from typing import Annotated

import asyncpg
from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter

from service.http.openapi import answers
from service.http.read_params import (
    ENTITY_ID,
    AsOf,
    Limit,
    PageCursor,
    Search,
    entity_filter,
    instant,
    is_entity_id,
    not_found,
    one_of,
    page_cursor,
    page_limit,
    search,
)
from service.queries.paging import PageList
from service.queries.statements import (
    STATEMENT_KINDS,
    Statement,
    StatementPage,
    get_statement,
    statement_page,
)
from service.settings import Settings


AN_ID = {"schema_extra": {"pattern": ENTITY_ID.pattern}}


class StatementController(Controller):
    path = "/statements"
    tags = ["read models"]

    @get("/", responses=answers(422))
    async def list_statements(
        self,
        pool: NamedDependency[asyncpg.Pool],
        settings: NamedDependency[Settings],
        agency: Annotated[
            str | None, QueryParameter(description="on this agency's timeline", **AN_ID)
        ] = None,
        speaker: Annotated[
            str | None,
            QueryParameter(description="a speaker's id, or a named group member's", **AN_ID),
        ] = None,
        meeting: Annotated[str | None, QueryParameter(description="a meeting's id", **AN_ID)] = None,
        kind: Annotated[
            str | None, QueryParameter(schema_extra={"enum": list(STATEMENT_KINDS)})
        ] = None,
        q: Search = None,
        as_of: AsOf = None,
        limit: Limit = None,
        cursor: PageCursor = None,
    ) -> StatementPage:
        """Statements by earliest day, then precision, then position (``as_of``: as known then);
        ``q`` keeps those whose text, English text or evidence quotes contain it."""
        kinds = one_of("kind", [kind] if kind is not None else None, STATEMENT_KINDS)
        text = search(q)
        size = page_limit(limit, settings)
        past = instant(as_of)
        filters = {
            "agency_id": entity_filter("agency", agency),
            "speaker_id": entity_filter("speaker", speaker),
            "meeting_id": entity_filter("meeting", meeting),
            "kind": kinds[0] if kinds else None,
            "q": text,
        }
        listing = PageList("statements", **filters, as_of=past)
        after = page_cursor(cursor, listing)
        async with pool.acquire() as connection:
            page = await statement_page(
                connection, **filters, after=after, limit=size, as_of=past
            )
        return listing.paged(page)

    @get("/{statement_id:str}", responses=answers(404))
    async def get_statement(
        self, statement_id: FromPath[str], pool: NamedDependency[asyncpg.Pool], as_of: AsOf = None
    ) -> Statement:
        """One statement as corrected (``as_of``: as known then)."""
        past = instant(as_of)
        found = None
        if is_entity_id(statement_id):
            async with pool.acquire() as connection:
                found = await get_statement(connection, statement_id, past)
        if found is None:
            raise not_found("statement", statement_id)
        return found
