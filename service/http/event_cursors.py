"""The opaque cursors of the global feed and of a stream, in the paging convention's codec
(``service/queries/paging.py``): ``f`` a place in the feed, ``v`` a stream version to read from.

A feed cursor belongs to the log, not to a ``type`` filter: the feed's order is the log's, so a
place in it means the same for every filter, and ``GET /events``, its ``resume_cursor`` and the
live feed's SSE ids are one kind of cursor. A version cursor belongs to its stream and direction.

One feed cursor may be written by hand: ``0-0``, the beginning of the log, so that a reader can
ask the live feed for everything, then what comes (an event store's subscription from the
start), without first being handed a cursor.
"""

from __future__ import annotations

from service.http.problems import problem
from service.queries.paging import InvalidPageCursor, PageList, decode, encode
from service.store import START, Cursor

FEED_START = "0-0"
FEED = PageList("feed")


def feed_cursor(place: Cursor) -> str:
    return FEED.cursor(encode("f", place.transaction_id, place.position))


def parse_feed_cursor(text: str) -> Cursor:
    if text == FEED_START:
        return START
    try:
        transaction_id, position = (int(part) for part in decode("f", FEED.key(text), 2))
        if not (0 <= transaction_id < 2**64 and 0 <= position < 2**63):
            raise InvalidPageCursor(text)
    except (InvalidPageCursor, ValueError):
        raise _invalid(text) from None
    return Cursor(transaction_id, position)


def stream_list(stream_id: str, direction: str) -> PageList:
    return PageList("stream", stream_id=stream_id, direction=direction)


def version_cursor(stream: PageList, version: int) -> str:
    return stream.cursor(encode("v", version))


def parse_version_cursor(stream: PageList, text: str) -> int:
    try:
        (version,) = (int(part) for part in decode("v", stream.key(text), 1))
        if not 1 <= version < 2**31:
            raise InvalidPageCursor(text)
    except (InvalidPageCursor, ValueError):
        raise _invalid(text) from None
    return version


def _invalid(text: str) -> Exception:
    return problem(400, "invalid-cursor", str(InvalidPageCursor(text)))
