"""The pages for people: ``GET /`` (agencies and a timeline), ``GET /sources/{id}/view``
(a source with one quote marked) and the pages of a person, an organization and a meeting
(``GET /people/{id}/view``, ``/organizations/{id}/view``, ``/meetings/{id}/view``). Each
parses its query, asks ``service.web`` for what to show and renders a template; the JSON
endpoints stay as they are (``GET /sources/{id}`` included).
An error on a page (a bad ``as_of``, an unknown agency) is a page with the same status."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

import asyncpg
from litestar import Request, Router, get
from litestar.di import NamedDependency
from litestar.exceptions import HTTPException
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.plugins.problem_details import ProblemDetailsException
from litestar.response import Template
from litestar.types import ExceptionHandlersMap

from service.http.consistency import reading_router
from service.http.problems import Problem
from service.http.read_params import AgencyRole, AsOf, agency_role, instant, is_entity_id
from service.http.static import static_files
from service.queries.sources import get_source
from service.web import STATIC, entities, quotes, supported
from service.web.labels import CATEGORY_LABELS
from service.web.views import Filters, UnknownAgency, home_page

NO_STORE = {"Cache-Control": "no-cache"}


@get("/", include_in_schema=False)
async def home(
    pool: NamedDependency[asyncpg.Pool],
    agency: FromQuery[str | None] = None,
    type_: Annotated[list[str] | None, QueryParameter(name="type")] = None,
    role: AgencyRole = None,
    q: FromQuery[str | None] = None,
    as_of: AsOf = None,
) -> Template:
    """The agencies; with ``agency``, its timeline (``type``: meeting, statement, plan;
    ``role``: the agency's part, as on the API; ``q``: a search; ``as_of``: as known then) and
    initiatives."""
    as_of = as_of or None  # an empty date field sends as_of=
    filters = Filters(
        agency=agency or None,
        categories=tuple(c for c in CATEGORY_LABELS if c in (type_ or ())),
        role=agency_role(role or None),  # the form's "any" sends role=
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
    return Template(
        "source.html",
        context={
            "source": source, "passage": passage, "quote": quote,
            "supported": supported.by_kind(source.facts, source.event_id),
            "amendment_words": supported.AMENDMENT_WORDS,
        },
    )


def error_page(request: Request[Any, Any, Any], error: Exception) -> Template:
    """Any error of a page, as a page with the error's status (and headers: a 503's
    Retry-After); the JSON API answers problem documents."""
    assert isinstance(error, HTTPException)  # what PAGE_ERRORS routes here
    return Template(
        "error.html",
        context={"status": error.status_code, "detail": error.detail},
        status_code=error.status_code,
        headers=error.headers,
    )


PAGE_ERRORS: ExceptionHandlersMap = {HTTPException: error_page, ProblemDetailsException: error_page, Problem: error_page}
"""Every class the problem plugin answers, so that no JSON handler is nearer on the page's path."""


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
        exception_handlers=PAGE_ERRORS,
    )
