"""The event store over HTTP: append to a stream, read a stream, read the global feed."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.openapi import ResponseSpec
from litestar.params import FromPath, JSONBody, PathParameter, QueryParameter

from events.patterns import pattern
from service.http.auth import requires_append, requires_json_body
from service.http.caching import ONE_EVENT
from service.http.event_cursors import (
    feed_cursor,
    parse_feed_cursor,
    parse_version_cursor,
    stream_list,
    version_cursor,
)
from service.http.openapi import BEARER, answers
from service.http.problems import problem
from service.http.read_params import PageCursor
from service.http.schemas import (
    AppendedEvent,
    AppendRequest,
    AppendResponse,
    EventDocument,
    FeedResponse,
    StreamResponse,
    event_document,
)
from service.settings import Settings
from service.store import START, EventStore
from service.writing import Appender

STREAM_ID_PATTERN = pattern(
    r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$",
    "a stream id of letters, digits, `.`, `_`, `:` and `-`, starting with a letter or digit, "
    "at most 200 characters, e.g. `agency-mss`",
)
EVENT_TYPE_PATTERN = pattern(
    r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$",
    "an event type of lower-case words joined by dots, e.g. `agency.registered`",
)
EventType = Annotated[str, msgspec.Meta(pattern=EVENT_TYPE_PATTERN, max_length=200)]
StreamId = Annotated[str, PathParameter(pattern=STREAM_ID_PATTERN, description="e.g. agency-mss")]
FeedCursor = Annotated[
    str | None,
    QueryParameter(description="a `next_cursor` or `resume_cursor` of the feed; opaque, but "
                   "`0-0`, the beginning of the log, is the same as none"),
]


class StreamController(Controller):
    path = "/streams"
    tags = ["events"]

    @post(
        "/{stream_id:str}/events",
        guards=[requires_append, requires_json_body],
        status_code=201,
        security=BEARER,
        responses={
            **answers(401, 403, 409, 413, 415, 422, read=False),
            200: ResponseSpec(AppendResponse, description="A retry: the events were stored already"),
        },
    )
    async def append(
        self, request: Request[Any, Any, Any], stream_id: StreamId, data: JSONBody[AppendRequest],
        appender: NamedDependency[Appender],
        settings: NamedDependency[Settings],
        dry_run: Annotated[
            bool,
            QueryParameter(
                description="run every check and answer what would be stored (or the same "
                "problem as the append), storing nothing",
            ),
        ] = False,
    ) -> Response[AppendResponse]:
        """Append a batch of events to one stream, atomically, with an expected version.

        201 with each event's position; 200 when the same events were already stored (a
        retry); 409 with ``current_version`` when the stream is not at the expected version.
        With ``dry_run=true`` the same answers and problems, with ``"dry_run": true``, and
        nothing stored.
        """
        if len(data.events) > settings.max_batch_events:
            raise problem(
                413,
                "batch-too-large",
                f"a batch holds at most {settings.max_batch_events} events",
            )
        # The guard looked the token up: its name is who appended (the client cannot say).
        command = data.command(stream_id, request.state["caller"].name)
        result = await appender.append(command, dry_run=dry_run)
        body = AppendResponse(
            stream_id=stream_id,
            stream_version=result.stream_version,
            position=max(result.positions),
            events=[
                AppendedEvent(
                    event_id=event.id, position=position, stream_version=version
                )
                for event, position, version in zip(
                    data.events, result.positions, result.stream_versions, strict=True
                )
            ],
            duplicate=result.duplicate,
            dry_run=dry_run,
        )
        return Response(body, status_code=200 if result.duplicate else 201)

    @get("/{stream_id:str}", responses=answers(404, 422))
    async def read_stream(
        self,
        stream_id: StreamId,
        store: NamedDependency[EventStore],
        page_size: NamedDependency[int],
        direction: Annotated[Literal["forward", "backward"], QueryParameter()] = "forward",
        cursor: PageCursor = None,
    ) -> StreamResponse:
        """A stream's events in version order, forward from its start or backward from its
        end, a page at a time (``cursor``: a ``next_cursor`` of the previous page)."""
        stream = stream_list(stream_id, direction)
        # None or empty: the first page.
        from_version = parse_version_cursor(stream, cursor) if cursor else None
        version = await store.stream_version(stream_id)
        if version == 0:
            raise problem(404, "stream-not-found", f"no stream {stream_id!r}")
        events = await store.read_stream(stream_id, from_version, direction, page_size)
        next_version = None
        if len(events) == page_size:
            last = events[-1].stream_version
            following = last + 1 if direction == "forward" else last - 1
            if 1 <= following <= version:
                next_version = following
        return StreamResponse(
            stream_id=stream_id,
            stream_version=version,
            direction=direction,
            events=[event_document(event) for event in events],
            next_cursor=version_cursor(stream, next_version) if next_version is not None else None,
        )


class FeedController(Controller):
    path = "/events"
    tags = ["events"]

    @get("/", responses=answers(422))
    async def read_all(
        self,
        store: NamedDependency[EventStore],
        page_size: NamedDependency[int],
        cursor: FeedCursor = None,
        type_: Annotated[
            list[EventType] | None,
            QueryParameter(
                name="type",
                description="an event type, e.g. agency.registered; repeatable",
                schema_extra={"items": {"type": "string", "pattern": EVENT_TYPE_PATTERN, "maxLength": 200}},
            ),
        ] = None,
    ) -> FeedResponse:
        """Every event in commit-safe order: a reader never skips an event that commits late.

        ``next_cursor`` is null once a page reaches what is readable now; ``resume_cursor``
        is where to read on from later.
        """
        start = parse_feed_cursor(cursor) if cursor else START  # none or empty: the beginning
        # One more than a page: whether another page follows, without an empty last page.
        events = (await store.read_all(start, page_size + 1, type_)).events
        page = events[:page_size]
        resume = page[-1].cursor if page else start
        return FeedResponse(
            events=[event_document(e) for e in page],
            next_cursor=feed_cursor(page[-1].cursor) if len(events) > page_size else None,
            resume_cursor=feed_cursor(resume),
        )

    @get("/{event_id:uuid}", responses=answers(404), cache_control=ONE_EVENT)
    async def get_event(
        self, event_id: FromPath[uuid.UUID], store: NamedDependency[EventStore]
    ) -> EventDocument:
        """One event by its id."""
        event = await store.get_event(event_id)
        if event is None:
            raise problem(404, "event-not-found", f"no event {event_id}")
        return event_document(event)
