"""The pages for people: ``GET /`` (agencies and a timeline), ``GET /sources/{id}/view``
(a source with one quote marked) and the pages of a person, an organization and a meeting
(``GET /people/{id}/view``, ``/organizations/{id}/view``, ``/meetings/{id}/view``). Each
parses its query, asks ``service.web`` for what to show and renders a template; the JSON
endpoints stay as they are (``GET /sources/{id}`` included)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

import asyncpg
from litestar import Router, get
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.response import Template

from service.http.consistency import reading_router
from service.http.read_params import AsOf, instant, is_entity_id
from service.http.static import static_files
from service.queries.sources import get_source
from service.web import STATIC, entities, quotes
from service.web.labels import CATEGORY_LABELS
from service.web.views import Filters, UnknownAgency, home_page

NO_STORE = {"Cache-Control": "no-cache"}


@get("/", include_in_schema=False)
async def home(
    pool: NamedDependency[asyncpg.Pool],
    agency: FromQuery[str | None] = None,
    type_: Annotated[list[str] | None, QueryParameter(name="type")] = None,
    q: FromQuery[str | None] = None,
    as_of: AsOf = None,
) -> Template:
    """The agencies; with ``agency``, its timeline (``type``: meeting, statement, plan;
    ``q``: a search; ``as_of``: as known then) and initiatives."""
    as_of = as_of or None  # an empty date field sends as_of=
    filters = Filters(
        agency=agency or None,
        categories=tuple(c for c in CATEGORY_LABELS if c in (type_ or ())),
        q=q,
        as_of=instant(as_of),
    )
    context = {"as_of_text": as_of or ""}
    try:
        if filters.agency is not None and not is_entity_id(filters.agency):
            raise UnknownAgency(filters.agency)
        async with pool.acquire() as connection:
            page = await home_page(connection, filters)
    except UnknownAgency:
        return Template("not_found.html", context={"what": agency}, status_code=404)
    return Template("home.html", context={"page": page, **context}, headers=NO_STORE)


@get("/sources/{source_id:str}/view", include_in_schema=False)
async def source_view(
    source_id: FromPath[str],
    pool: NamedDependency[asyncpg.Pool],
    quote: FromQuery[str | None] = None,
    occurrence: FromQuery[int] = 1,
    as_of: AsOf = None,
) -> Template:
    """The source's text with ``quote`` (its ``occurrence``-th time) marked and scrolled to."""
    source = None
    if is_entity_id(source_id):
        async with pool.acquire() as connection:
            source = await get_source(connection, source_id, instant(as_of or None))
    if source is None:
        return Template("not_found.html", context={"what": source_id}, status_code=404)
    passage = quotes.cut(source.text, quote, occurrence)
    return Template("source.html", context={"source": source, "passage": passage, "quote": quote})


async def _entity(
    pool: asyncpg.Pool, read: Callable[..., Awaitable[entities.EntityPage | None]], entity_id: str,
    as_of: str | None,
) -> Template:
    """The page of one entity (``read``: a ``service.web.entities`` view), or a 404 page."""
    page = None
    if is_entity_id(entity_id):
        async with pool.acquire() as connection:
            page = await read(connection, entity_id, instant(as_of or None))
    if page is None:
        return Template("not_found.html", context={"what": entity_id}, status_code=404)
    return Template(f"{page.kind}.html", context={"page": page}, headers=NO_STORE)


@get("/people/{person_id:str}/view", include_in_schema=False)
async def person_view(
    person_id: FromPath[str], pool: NamedDependency[asyncpg.Pool], as_of: AsOf = None
) -> Template:
    """A person: posts, statements with evidence, meetings attended."""
    return await _entity(pool, entities.person_page, person_id, as_of)


@get("/organizations/{organization_id:str}/view", include_in_schema=False)
async def organization_view(
    organization_id: FromPath[str], pool: NamedDependency[asyncpg.Pool], as_of: AsOf = None
) -> Template:
    """An organization: its people, statements with evidence, meetings attended."""
    return await _entity(pool, entities.organization_page, organization_id, as_of)


@get("/meetings/{meeting_id:str}/view", include_in_schema=False)
async def meeting_view(
    meeting_id: FromPath[str], pool: NamedDependency[asyncpg.Pool], as_of: AsOf = None
) -> Template:
    """A meeting: organiser, attendees, what was said there, what builds on it."""
    return await _entity(pool, entities.meeting_page, meeting_id, as_of)


def page_router() -> Router:
    """The pages and their static files. Like the read endpoints, the pages read from the
    replica when there is one and take ``min_position`` (the live page refetches with it)."""
    return Router(
        path="/",
        route_handlers=[
            reading_router([home, source_view, person_view, organization_view, meeting_view]),
            static_files("/static", STATIC, "page-static"),
        ],
    )
