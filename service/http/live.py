"""``GET /events/live``: new events as Server-Sent Events, resumable with ``Last-Event-ID``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any

import msgspec
from litestar import Request, get
from litestar.di import NamedDependency
from litestar.params import HeaderParameter, QueryParameter
from litestar.response import ServerSentEvent, ServerSentEventMessage

from service.http.event_cursors import feed_cursor, parse_feed_cursor
from service.http.head import HEAD_ONLY
from service.http.openapi import answers
from service.http.problems import unavailable
from service.http.schemas import event_document
from service.live import LiveFeed, NotConnected, Subscription, TooManySubscribers
from service.settings import Settings
from service.store import RecordedEvent

_encode = msgspec.json.Encoder().encode


def live_message(event: RecordedEvent) -> ServerSentEventMessage:
    return ServerSentEventMessage(
        data=_encode(event_document(event)).decode(), event=event.type, id=feed_cursor(event.cursor)
    )


HEARTBEAT = ServerSentEventMessage(data=None, comment="heartbeat")


async def _nothing() -> AsyncIterator[ServerSentEventMessage]:
    return
    yield


def _headers_only() -> ServerSentEvent:
    response = ServerSentEvent(_nothing())
    del response.headers["Cache-Control"]
    return response


async def _messages(
    subscription: Subscription, heartbeat_seconds: float
) -> AsyncIterator[ServerSentEventMessage]:
    async with subscription:
        async for page in subscription.pages(heartbeat_seconds):
            if not page:
                yield HEARTBEAT
            for event in page:
                yield live_message(event)


@get(
    "/events/live",
    tags=["events"],
    media_type="text/event-stream",
    # A stream: no body to hash for an ETag, and its duration is no request latency.
    opt={"skip_etag": True, "skip_metrics": True},
    responses=answers(read=False),
)
async def live_events(
    request: Request[Any, Any, Any],
    live_feed: NamedDependency[LiveFeed],
    settings: NamedDependency[Settings],
    cursor: Annotated[
        str | None,
        QueryParameter(description="start after this feed cursor (a `next_cursor` or "
                       "`resume_cursor` of `GET /events`, or an SSE `id`); `0-0`: from the "
                       "beginning of the log; omitted: from now"),
    ] = None,
    last_event_id: Annotated[
        str | None,
        HeaderParameter(name="last-event-id", description="sent by EventSource on reconnecting; "
                  "wins over `cursor`"),
    ] = None,
    type_: Annotated[list[str] | None, QueryParameter(name="type")] = None,
) -> ServerSentEvent:
    """New events as Server-Sent Events: ``id`` is the event's feed cursor, ``event`` its type,
    ``data`` the event as JSON. Comment lines every few seconds keep an idle stream open.
    Reconnecting with ``Last-Event-ID`` resumes with no event lost or repeated."""
    start = last_event_id or cursor
    if request.scope.get(HEAD_ONLY):
        return _headers_only()
    try:
        subscription = live_feed.subscribe(parse_feed_cursor(start) if start else None, type_)
    except TooManySubscribers as error:
        raise unavailable(
            "too-many-subscribers",
            f"this server holds {live_feed.max_subscribers} live streams at most ({error}); "
            "try again later",
        ) from None
    except NotConnected as error:
        raise unavailable("database-unavailable", f"{error}; try again later") from None
    response = ServerSentEvent(_messages(subscription, settings.live_heartbeat_seconds))
    # The app's cache_control says no-cache already; ServerSentEvent's own would repeat it.
    del response.headers["Cache-Control"]
    return response
