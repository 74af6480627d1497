"""Keyset pages: opaque cursors, and the SQL that continues after one.

Every list continues after the sort key of the last item it returned (never an OFFSET), so a
page is as cheap at the end of a list as at its start, and appends that land while a client
pages neither repeat nor skip an item it has not seen yet.

A key is text of a kind letter and its parts:

- ``d``: timeline order (sort day, rank, position): timelines, statements, meetings,
  initiatives (docs/read-models.md, "The ordering rule");
- ``i``: an entity id (people, organizations, sources, agencies), which those lists sort by;
- ``n``: the number of an item numbered from 1 (a source's sentences);
- ``f`` and ``v``: a place in the feed, a stream version (``service/http/event_cursors.py``).

A cursor is base64url text of a tag and the key, the tag a hash of the key and of the list it
belongs to (``PageList``: the operation and the parameters that choose its rows or their order,
such as the agency of a timeline or ``q``). So a cursor of one list handed to another, or to the
same list with other parameters, or altered in any byte, is refused (400 ``invalid-cursor``),
instead of answering a page of a list the client did not page. ``PageList`` is the one place
that makes cursors and opens them. The hash is not keyed: a cursor is no credential (any page it
reaches can be asked for without it), and without a secret cursors stay valid across restarts,
deployments and replicas (docs/api.md, "Paging").
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING, NamedTuple, Protocol, TypeVar, overload

import msgspec

import events
from events.base import ID_PATTERN

if TYPE_CHECKING:
    import asyncpg

    from service.queries.common import Query

SORT_RANKS = frozenset(range(2 * len(events.PRECISION_RANK)))
"""A row's ``precision_rank``: its precision's (0-2), or 3-5 for an entry sorted after the
meetings it builds on (``read_models.dates.AFTER_MEETINGS``)."""
ENTITY_ID = re.compile(ID_PATTERN)
"""The vocabulary's ids: no other text names an entity."""


class InvalidPageCursor(ValueError):
    def __init__(self, text: str) -> None:
        super().__init__(
            f"not a page cursor: {text!r}; use a `next_cursor` value that the API returned"
        )


def encode(kind: str, *parts: object) -> str:
    """A key as text: not yet a cursor (``PageList.cursor`` makes one of it)."""
    return ".".join([kind, *(str(part) for part in parts)])


def decode(kind: str, key: str, count: int) -> list[str]:
    """The ``count`` parts of a key of ``kind``; ``InvalidPageCursor`` for anything else."""
    found, *parts = key.split(".")
    if found != kind or len(parts) != count:
        raise InvalidPageCursor(key)
    return parts


TAG_BYTES = 9
Key = TypeVar("Key")


class Paged(Protocol):
    next_cursor: str | None


Page = TypeVar("Page", bound=Paged)


def _fixed(value: object) -> object:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, list | tuple | set | frozenset):
        return sorted(str(item) for item in value)
    return value


class PageList:
    """A list as its cursors name it: an operation and the parameters that fix its rows and
    their order (not ``limit``, nor ``cursor``)."""

    def __init__(self, operation: str, **fixed: object) -> None:
        self.identity = msgspec.json.encode(
            [operation, {name: _fixed(value) for name, value in sorted(fixed.items())}]
        )

    def _tag(self, key: bytes) -> bytes:
        return hashlib.blake2b(
            self.identity + b"\0" + key, digest_size=TAG_BYTES, person=b"page-cursor-v1"
        ).digest()

    @overload
    def cursor(self, key: str) -> str: ...
    @overload
    def cursor(self, key: None) -> None: ...
    def cursor(self, key: str | None) -> str | None:
        """The cursor of a key (``encode``'s text) on this list; None stays None."""
        if key is None:
            return None
        plain = key.encode("ascii")
        return base64.urlsafe_b64encode(self._tag(plain) + plain).decode().rstrip("=")

    def paged(self, page: Page) -> Page:
        """``page`` (a query's page, whose ``next_cursor`` is a key) with a cursor of this list."""
        page.next_cursor = self.cursor(page.next_cursor)
        return page

    def key(self, cursor: str) -> str:
        """The key of a cursor that this list made; ``InvalidPageCursor`` for any other text."""
        try:
            padded = cursor + "=" * (-len(cursor) % 4)
            raw = base64.urlsafe_b64decode(padded.encode("ascii"))
            plain = raw[TAG_BYTES:]
            plain.decode("ascii")
        except (ValueError, UnicodeError, binascii.Error):
            raise InvalidPageCursor(cursor) from None
        # Only the text this list made: no other spelling of the same bytes (unused bits).
        if len(raw) <= TAG_BYTES or self.cursor(plain.decode("ascii")) != cursor:
            raise InvalidPageCursor(cursor)
        return plain.decode("ascii")

    def after(self, cursor: str | None, parse: Callable[[str], Key]) -> Key | None:
        """The key a page continues after: none for no cursor or an empty one (the first
        page); ``InvalidPageCursor`` for a cursor this list did not make."""
        if not cursor:
            return None
        try:
            return parse(self.key(cursor))
        except (InvalidPageCursor, ValueError):
            raise InvalidPageCursor(cursor) from None


class SortKey(NamedTuple):
    """Where a fact sorts in timeline order; a page continues after the key of its last item."""

    earliest: date
    precision_rank: int
    position: int

    def cursor(self) -> str:
        """The key as text: a query's ``next_cursor``, made a cursor by ``PageList``."""
        return encode("d", self.earliest.isoformat(), self.precision_rank, self.position)

    @classmethod
    def parse(cls, cursor: str) -> SortKey:
        day, rank, position = decode("d", cursor, 3)
        try:
            key = cls(date.fromisoformat(day), int(rank), int(position))
        except ValueError:
            raise InvalidPageCursor(cursor) from None
        if key.precision_rank not in SORT_RANKS or not 0 < key.position < 2**63:
            raise InvalidPageCursor(cursor)
        return key

    @classmethod
    def of(cls, row: asyncpg.Record) -> SortKey:
        return cls(row["earliest"], row["precision_rank"], row["position"])


class IdKey(NamedTuple):
    """Where an entity sorts in a list ordered by id."""

    id: str

    def cursor(self) -> str:
        return encode("i", self.id)

    @classmethod
    def parse(cls, cursor: str) -> IdKey:
        (entity_id,) = decode("i", cursor, 1)
        if ENTITY_ID.fullmatch(entity_id) is None:
            raise InvalidPageCursor(cursor)
        return cls(entity_id)


class NumberKey(NamedTuple):
    """Where an item sorts in a list numbered from 1 (a source's sentences)."""

    n: int

    def cursor(self) -> str:
        return encode("n", self.n)

    @classmethod
    def parse(cls, cursor: str) -> NumberKey:
        (number,) = decode("n", cursor, 1)
        if not (number.isascii() and number.isdigit()) or not 0 < int(number) < 2**63:
            raise InvalidPageCursor(cursor)
        return cls(int(number))


def after_clause(alias: str, key: SortKey, query: Query) -> str:
    """The condition "sorts after the cursor's key", with its values as the query's arguments."""
    earliest, rank, position = (query.param(value) for value in key)
    return (
        f"({alias}.earliest, {alias}.precision_rank, {alias}.position)"
        f" > ({earliest}::date, {rank}::smallint, {position}::bigint)"
    )


def order_by(alias: str, descending: bool = False) -> str:
    direction = " DESC" if descending else ""
    return ", ".join(
        f"{alias}.{column}{direction}" for column in ("earliest", "precision_rank", "position")
    )


def next_cursor(rows: list[asyncpg.Record], limit: int) -> str | None:
    """Given up to ``limit + 1`` rows in order, the key of the next page, if there is one (the
    handler makes it the cursor of its list: ``PageList.paged``)."""
    if len(rows) <= limit:
        return None
    return SortKey.of(rows[limit - 1]).cursor()


def next_id_cursor(rows: list[asyncpg.Record], limit: int, column: str) -> str | None:
    """As ``next_cursor``, for a list in the order of its ``column`` of ids."""
    if len(rows) <= limit:
        return None
    return IdKey(rows[limit - 1][column]).cursor()
