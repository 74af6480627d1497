"""Query parameters of the read endpoints, parsed into values or answered with a 4xx problem.

Every list reads its parameters through one dependency, ``list_query`` (a ``ListQuery``):
``limit``, ``cursor``, ``as_of`` and the list's own filters, ``q`` among them. The filters are a
dependency too, ``filters``: none by default, a function of the list's query parameters where
a list has some (``statement_filters``), so a new filter is a parameter of that function and a
keyword of the list's query. Litestar parses them before the handler runs and documents each
parameter of these functions in the OpenAPI document, constraints included. ``one_or_404``
is the step from an id in the path to what it names, or a 404.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Annotated, Any, TypeVar

import asyncpg
from litestar.di import NamedDependency, Provide
from litestar.params import PathParameter, QueryParameter

import events
from events.dates import DATE_PATTERN
from events.patterns import pattern, rule
from service.http.problems import problem
from service.queries.paging import ENTITY_ID, IdKey, InvalidPageCursor, NumberKey, PageList, SortKey
from service.read_models.search import MIN_QUERY, normalized
from service.settings import Settings

REDUCED_DATE = pattern(
    r"^(?!0000)[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$", rule(DATE_PATTERN) or ""
)
"""A reduced date as the schema states it (real months and days; ``day_range`` checks the rest)."""
ID_RULE = rule(ENTITY_ID.pattern)
TIMESTAMP_RULE = (
    "an ISO 8601 time like 2025-03-24T09:30:00+09:00 or 2025-03-24 (UTC where no offset is given)"
)
DOCUMENTED_MAX_PAGE_SIZE = 1000
"""The maximum the schema states: ``POLICY_TIMELINE_MAX_PAGE_SIZE``'s default."""
MAX_QUERY = 200

AN_ID = {"schema_extra": {"pattern": ENTITY_ID.pattern}}
"""``QueryParameter`` arguments of a filter by an id (checked by ``entity_filter``)."""

# Constraints under ``schema_extra`` are documented, and checked by the functions below with
# their own problems (a 422 for a limit, a 404 for an id no entity can have).
EntityId = Annotated[
    str, PathParameter(schema_extra={"pattern": ENTITY_ID.pattern}, description="e.g. mss")
]
Limit = Annotated[
    int | None,
    QueryParameter(
        description="page size; the default and the maximum are settings (100 and 1000)",
        schema_extra={"minimum": 1, "maximum": DOCUMENTED_MAX_PAGE_SIZE},
    ),
]
PageCursor = Annotated[
    str | None, QueryParameter(description="a `next_cursor` from the previous page; opaque")
]
Search = Annotated[
    str | None,
    QueryParameter(
        description="text to find (2 to 200 characters, Korean or English, any case): titles,"
        " texts, summaries, notes and evidence quotes that contain it",
        schema_extra={
            "pattern": pattern(
                r"^\s*\S[\s\S]*\S\s*$", f"text of {MIN_QUERY} characters or more besides spaces"
            ),
            "maxLength": MAX_QUERY,
        },
    ),
]
AGENCY_ROLES = ("organiser", "attendee", "responsible", "speaker", "host")
"""How an agency takes part in an entry: it organised the meeting or attended it (named among
its attendees), is responsible for the initiative, spoke (itself or through its people), or
hosted the meeting a statement was made at."""
AgencyRole = Annotated[
    str | None,
    QueryParameter(
        description="how the agency takes part: organiser (of a meeting), attendee (of a"
        " meeting, named among its attendees), responsible (for an initiative), speaker (a"
        " statement by it or its people), host (a statement made at its meeting)",
        schema_extra={"enum": list(AGENCY_ROLES)},
    ),
]
AsOf = Annotated[
    str | None,
    QueryParameter(
        description=f"the answer as the service knew it then: {TIMESTAMP_RULE}",
        format="date-time",
    ),
]


def day_range(name: str, value: str | None) -> tuple[date, date] | None:
    """The first and last day of a reduced date: "2025" is all of 2025."""
    if value is None:
        return None
    try:
        earliest, latest, _ = events.date_range(value)
    except ValueError as error:
        raise problem(400, "invalid-date", f"{name}: {error}") from None
    return earliest, latest


def period(start: str | None, end: str | None) -> tuple[date | None, date | None]:
    """``from`` and ``to`` as the first day of the one and the last day of the other."""
    first = day_range("from", start)
    last = day_range("to", end)
    if first and last and first[0] > last[1]:
        raise problem(400, "invalid-date", f"from ({start}) is after to ({end})")
    return (first[0] if first else None), (last[1] if last else None)


def instant(value: str | None) -> datetime | None:
    """An ISO 8601 timestamp; one without an offset is read as UTC."""
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
        return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    except (ValueError, OverflowError):
        raise problem(400, "invalid-as-of", f"as_of must be {TIMESTAMP_RULE}, not {value!r}") from None


def is_entity_id(value: str) -> bool:
    """Whether ``value`` can be an id of the vocabulary (``mss``, ``pipc-ai-startup-roundtable``);
    no other text can name a stored entity, so it is answered before any query."""
    return ENTITY_ID.fullmatch(value) is not None


def not_found(kind: str, entity_id: str) -> Exception:
    """A 404 ``/problems/<kind>-not-found``; for text that cannot be an id, the rule of ids."""
    detail = f"no {kind} {entity_id!r}"
    if not is_entity_id(entity_id):
        detail += f": {entity_id!r} is not {ID_RULE}"
    return problem(404, f"{kind}-not-found", detail)


def entity_filter(name: str, value: str | None) -> str | None:
    if value is not None and not is_entity_id(value):
        raise problem(400, f"invalid-{name}", f"{name} must be {ID_RULE}, not {value!r}")
    return value


def agency_role(role: str | None) -> str | None:
    """``role`` as one of ``AGENCY_ROLES``, or a 400 problem."""
    roles = one_of("role", [role] if role is not None else None, AGENCY_ROLES)
    return roles[0] if roles else None


def role_filter(role: str | None) -> dict[str, str]:
    """``role`` as a list's filter: only when given, so that the lists without one (and their
    cursors, which name their filters) stay what they were."""
    part = agency_role(role)
    return {"role": part} if part else {}


def page_limit(limit: int | None, settings: Settings) -> int:
    if limit is None:
        return settings.default_page_size
    if not 1 <= limit <= settings.max_page_size:
        raise problem(422, "invalid-limit", f"limit must be between 1 and {settings.max_page_size}")
    return limit


def search(q: str | None) -> str | None:
    """``q`` as the search columns hold text (``normalized``), or a 400 problem."""
    if q is None:
        return None
    if not MIN_QUERY <= len(q.strip()) <= MAX_QUERY:
        raise problem(
            400, "invalid-q",
            f"q must have {MIN_QUERY} to {MAX_QUERY} characters (besides surrounding spaces)",
        )
    text = normalized(q)
    # NFKC may join two characters into one (conjoining jamo): then search for them as given.
    return text if len(text) >= MIN_QUERY else " ".join(q.lower().split())


def one_of(name: str, values: Sequence[str] | None, allowed: Collection[str]) -> list[str] | None:
    for value in values or ():
        if value not in allowed:
            raise problem(
                400, f"invalid-{name}", f"{name} must be one of {', '.join(allowed)}, not {value!r}"
            )
    return list(values) if values else None


def as_of_instant(as_of: AsOf = None) -> datetime | None:
    """The dependency ``as_of_instant``: ``as_of`` as an instant; none: now."""
    return instant(as_of)


def page_size(settings: NamedDependency[Settings], limit: Limit = None) -> int:
    """The dependency ``page_size``: ``limit``, or the default page size."""
    return page_limit(limit, settings)


def no_filters() -> dict[str, Any]:
    """The dependency ``filters`` of a list that has none."""
    return {}


def searched(q: Search = None) -> dict[str, Any]:
    """``filters`` of a list whose only filter is ``q``."""
    return {"q": search(q)}


Key = TypeVar("Key", SortKey, IdKey, NumberKey)


@dataclass(frozen=True, kw_only=True)
class ListQuery:
    """A list's request, parsed: the page it asks for, as known when, and its filters (named
    as the list's query takes them)."""

    limit: int
    cursor: str | None
    as_of: datetime | None
    filters: Mapping[str, Any] = field(default_factory=dict)
    limit_given: bool = False
    """Whether the request gave ``limit`` (an export takes no page)."""

    def page_list(self, operation: str, **fixed: object) -> PageList:
        """The list its cursors name: ``operation``, the ids of its path (``fixed``), its filters
        and ``as_of``; never ``limit`` nor ``cursor``."""
        return PageList(operation, **fixed, **self.filters, as_of=self.as_of)

    def after(self, listing: PageList, key: type[Key]) -> Key | None:
        """The key the page continues after, a ``key`` (the order of ``listing``): none for
        the first page (no cursor, or an empty one), a 400 problem for a cursor that ``listing``
        did not make."""
        try:
            return listing.after(self.cursor, key.parse)
        except InvalidPageCursor as error:
            raise problem(
                400, "invalid-cursor",
                f"{error}: a cursor pages only the list that returned it, with the same parameters",
            ) from None


def list_query(
    settings: NamedDependency[Settings],
    as_of_instant: NamedDependency[datetime | None],
    filters: NamedDependency[dict[str, Any]],
    limit: Limit = None,
    cursor: PageCursor = None,
) -> ListQuery:
    """The dependency ``list_query`` of every list."""
    return ListQuery(
        limit=page_limit(limit, settings),
        cursor=cursor,
        as_of=as_of_instant,
        filters=filters,
        limit_given=limit is not None,
    )


READ_DEPENDENCIES = {
    "as_of_instant": Provide(as_of_instant, sync_to_thread=False),
    "page_size": Provide(page_size, sync_to_thread=False),
    "filters": Provide(no_filters, sync_to_thread=False),
    "list_query": Provide(list_query, sync_to_thread=False),
}
"""The dependencies above, registered on the app (``service/app.py``); a list with filters
overrides ``filters`` on its handler (``dependencies=filtered_by(...)``)."""


def filtered_by(filters: Callable[..., dict[str, Any]]) -> dict[str, Provide]:
    """``dependencies=`` of a list handler whose filters ``filters`` reads."""
    return {"filters": Provide(filters, sync_to_thread=False)}


Found = TypeVar("Found")


async def one_or_404(
    pool: asyncpg.Pool,
    kind: str,
    entity_id: str,
    lookup: Callable[..., Awaitable[Found | None]],
    **arguments: Any,
) -> Found:
    """``lookup(connection, entity_id, **arguments)`` on a connection of ``pool``, or a 404
    problem ``/problems/<kind>-not-found`` when it finds nothing (None). Text that cannot be
    an id is answered so without a query."""
    if is_entity_id(entity_id):
        async with pool.acquire() as connection:
            found = await lookup(connection, entity_id, **arguments)
        if found is not None:
            return found
    raise not_found(kind, entity_id)
