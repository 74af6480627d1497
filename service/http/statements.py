"""Statements, filtered, searched and paged in timeline order, and one by id."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import asyncpg
from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter

from events.statements import STATEMENT_KINDS
from service.http.openapi import answers
from service.http.read_params import (
    AN_ID,
    AgencyRole,
    ListQuery,
    Search,
    entity_filter,
    filtered_by,
    one_of,
    one_or_404,
    role_filter,
    search,
)
from service.queries.paging import SortKey
from service.queries.statements import (
    Statement,
    StatementPage,
    get_statement,
    statement_page,
)


def statement_filters(
    agency: Annotated[
        str | None, QueryParameter(description="on this agency's timeline", **AN_ID)
    ] = None,
    role: AgencyRole = None,
    speaker: Annotated[
        str | None,
        QueryParameter(description="a speaker's id, or a named group member's", **AN_ID),
    ] = None,
    meeting: Annotated[str | None, QueryParameter(description="a meeting's id", **AN_ID)] = None,
    kind: Annotated[
        str | None, QueryParameter(schema_extra={"enum": list(STATEMENT_KINDS)})
    ] = None,
    q: Search = None,
) -> dict[str, Any]:
    """The filters of ``GET /statements``, as ``statement_page`` takes them."""
    kinds = one_of("kind", [kind] if kind is not None else None, STATEMENT_KINDS)
    return {
        "agency_id": entity_filter("agency", agency),
        **role_filter(role),
        "speaker_id": entity_filter("speaker", speaker),
        "meeting_id": entity_filter("meeting", meeting),
        "kind": kinds[0] if kinds else None,
        "q": search(q),
    }


class StatementController(Controller):
    path = "/statements"
    tags = ["read models"]

    @get("/", responses=answers(422), dependencies=filtered_by(statement_filters))
    async def list_statements(
        self, pool: NamedDependency[asyncpg.Pool], list_query: NamedDependency[ListQuery]
    ) -> StatementPage:
        """Statements by earliest day, then precision, then position (``as_of``: as known then);
        ``q`` keeps those whose text, English text or evidence quotes contain it; ``role`` keeps
        the agency's own statements (``speaker``) or those made at its meetings (``host``);
        without ``agency``, those of any agency."""
        listing = list_query.page_list("statements")
        after = list_query.after(listing, SortKey)
        async with pool.acquire() as connection:
            page = await statement_page(
                connection, **list_query.filters, after=after, limit=list_query.limit,
                as_of=list_query.as_of,
            )
        return listing.paged(page)

    @get("/{statement_id:str}", responses=answers(404))
    async def get_statement(
        self,
        statement_id: FromPath[str],
        pool: NamedDependency[asyncpg.Pool],
        as_of_instant: NamedDependency[datetime | None],
    ) -> Statement:
        """One statement as corrected (``as_of``: as known then)."""
        return await one_or_404(pool, "statement", statement_id, get_statement, as_of=as_of_instant)
