"""The event store over HTTP: append to a stream, read a stream, read the global feed."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, PathParameter, QueryParameter

from service.http.auth import SECURITY, requires_append, requires_json_body
from service.http.caching import ONE_EVENT
from service.http.problems import problem
from service.http.read_params import Limit, page_limit
from service.http.schemas import (
    AppendedEvent,
    AppendRequest,
    AppendResponse,
    EventResponse,
    FeedResponse,
    StreamResponse,
    event_response,
)
from service.settings import Settings
from service.store import Cursor, EventStore
from service.writing import Appender

STREAM_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$"
StreamId = Annotated[str, PathParameter(pattern=STREAM_ID_PATTERN, description="e.g. agency-mss")]


class StreamController(Controller):
    path = "/streams"
    tags = ["events"]

    @post(
        "/{stream_id:str}/events",
        guards=[requires_append, requires_json_body],
        security=SECURITY,
        status_code=201,
    )
    async def append(
        self, request: Request, stream_id: StreamId, data: JSONBody[AppendRequest],
        appender: NamedDependency[Appender],
        settings: NamedDependency[Settings],
    ) -> Response[AppendResponse]:
        """Append a batch of events to one stream, atomically, with an expected version.

        201 with each event's position; 200 when the same events were already stored (a
        retry); 409 with ``current_version`` when the stream is not at the expected version.
        """
        if len(data.events) > settings.max_batch_events:
            raise problem(
                413,
                "batch-too-large",
                f"a batch holds at most {settings.max_batch_events} events",
            )
        # The guard looked the token up: its name is who appended (the client cannot say).
        result = await appender.append(data.command(stream_id, request.state["caller"].name))
        body = AppendResponse(
            stream_id=stream_id,
            stream_version=result.stream_version,
            events=[
                AppendedEvent(id=event.id, position=position, stream_version=version)
                for event, position, version in zip(
                    data.events, result.positions, result.stream_versions, strict=True
                )
            ],
            duplicate=result.duplicate,
        )
        return Response(body, status_code=200 if result.duplicate else 201)

    @get("/{stream_id:str}")
    async def read_stream(
        self,
        stream_id: StreamId,
        store: NamedDependency[EventStore],
        settings: NamedDependency[Settings],
        from_version: Annotated[int | None, QueryParameter(ge=1, le=2**31 - 1)] = None,
        direction: Annotated[Literal["forward", "backward"], QueryParameter()] = "forward",
        limit: Limit = None,
    ) -> StreamResponse:
        """A stream's events in version order, forward from ``from_version`` or backward."""
        page_size = page_limit(limit, settings)
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
            events=[event_response(event) for event in events],
            next_version=next_version,
        )


class FeedController(Controller):
    path = "/events"
    tags = ["events"]

    @get("/")
    async def read_all(
        self,
        store: NamedDependency[EventStore],
        settings: NamedDependency[Settings],
        after: Annotated[
            str | None, QueryParameter(description="a `next` cursor from a previous page")
        ] = None,
        limit: Limit = None,
        type_: Annotated[list[str] | None, QueryParameter(name="type")] = None,
    ) -> FeedResponse:
        """Every event in commit-safe order: a reader never skips an event that commits late."""
        cursor = Cursor.parse(after) if after else Cursor()
        page = await store.read_all(cursor, page_limit(limit, settings), type_)
        return FeedResponse(events=[event_response(e) for e in page.events], next=str(page.next))

    @get("/{event_id:uuid}", cache_control=ONE_EVENT)
    async def get_event(
        self, event_id: FromPath[uuid.UUID], store: NamedDependency[EventStore]
    ) -> EventResponse:
        """One event by its id."""
        event = await store.get_event(event_id)
        if event is None:
            raise problem(404, "event-not-found", f"no event {event_id}")
        return event_response(event)
