"""``POST /sources/{id}/locate``: where a quote stands in a source's text, or the nearest passage."""

from __future__ import annotations

from typing import Annotated

import asyncpg
import msgspec
from litestar import post
from litestar.di import NamedDependency
from litestar.params import JSONBody

from events.patterns import pattern
from service.desk.quote_matching import Location, locate_quote
from service.http.auth import requires_append, requires_json_body
from service.http.openapi import BEARER, answers
from service.http.read_params import EntityId, one_or_404
from service.store.lookups import stream_openings

Words = Annotated[
    str,
    msgspec.Meta(
        min_length=1, max_length=10_000, pattern=pattern(r"\S", "text that is not only white space")
    ),
]


class LocateRequest(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    quote: Words
    prefix: Words | None = None
    """The text right before the quote (as in a W3C TextQuoteSelector), to single it out."""
    suffix: Words | None = None
    """The text right after it."""


@post(
    "/sources/{source_id:str}/locate",
    tags=["read models"],
    guards=[requires_append, requires_json_body],
    status_code=200,
    security=BEARER,
    responses=answers(401, 403, 404, 415, 422, read=False),
)
async def locate(
    source_id: EntityId, data: JSONBody[LocateRequest], pool: NamedDependency[asyncpg.Pool]
) -> Location:
    """Every occurrence of the quote in the source's text (offsets in code points). Where it
    is not there exactly, the nearest passage and what differs: typographic or straight
    quotation marks, middle dots, spaces (runs, no-break spaces), or the words."""
    text = await one_or_404(pool, "source", source_id, _registered_text)
    return locate_quote(source_id, text, data.quote, data.prefix, data.suffix)


async def _registered_text(connection: asyncpg.Connection, source_id: str) -> str | None:
    """The source's text in the log, as the append checks read it: a source is there once its
    append is answered."""
    rows = await stream_openings(connection, [f"source-{source_id}"])
    return rows[0]["text"] if rows and rows[0]["type"] == "source.registered" else None
