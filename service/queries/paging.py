"""Keyset pages: opaque cursors, and the SQL that continues after one.

Every list continues after the sort key of the last item it returned (never an OFFSET), so a
page is as cheap at the end of a list as at its start, and appends that land while a client
pages neither repeat nor skip an item it has not seen yet.

A cursor is base64url text of a kind letter and the key, so a cursor of one list handed to a
list of another kind is refused like any other malformed cursor (400 ``invalid-cursor``):

- ``d``: timeline order (earliest day, precision rank, position): timelines, statements,
  meetings, initiatives;
- ``i``: an entity id (people, organizations, sources, agencies), which those lists sort by.
"""

from __future__ import annotations

import base64
import binascii
import re
from datetime import date
from typing import NamedTuple

import events
from events.base import ID_PATTERN

PRECISION_RANK: dict[events.Precision, int] = {"year": 0, "month": 1, "day": 2}
ENTITY_ID = re.compile(ID_PATTERN)
"""The vocabulary's ids: no other text names an entity."""


class InvalidPageCursor(ValueError):
    def __init__(self, text: str) -> None:
        super().__init__(
            f"not a page cursor: {text!r}; use a `next_cursor` value that the API returned"
        )


def encode(kind: str, *parts: object) -> str:
    plain = ".".join([kind, *(str(part) for part in parts)])
    return base64.urlsafe_b64encode(plain.encode()).decode().rstrip("=")


def decode(kind: str, cursor: str, count: int) -> list[str]:
    """The ``count`` parts of a cursor of ``kind``; ``InvalidPageCursor`` for anything else."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        plain = base64.urlsafe_b64decode(padded.encode("ascii")).decode("ascii")
    except (ValueError, UnicodeError, binascii.Error):
        raise InvalidPageCursor(cursor) from None
    found, *parts = plain.split(".")
    if found != kind or len(parts) != count:
        raise InvalidPageCursor(cursor)
    return parts


class SortKey(NamedTuple):
    """Where a fact sorts in timeline order; a page continues after the key of its last item."""

    earliest: date
    precision_rank: int
    position: int

    def cursor(self) -> str:
        return encode("d", self.earliest.isoformat(), self.precision_rank, self.position)

    @classmethod
    def parse(cls, cursor: str) -> SortKey:
        day, rank, position = decode("d", cursor, 3)
        try:
            key = cls(date.fromisoformat(day), int(rank), int(position))
        except ValueError:
            raise InvalidPageCursor(cursor) from None
        if key.precision_rank not in (0, 1, 2) or not 0 < key.position < 2**63:
            raise InvalidPageCursor(cursor)
        return key

    @classmethod
    def of(cls, row) -> SortKey:
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


def after_clause(alias: str, key: SortKey, query) -> str:
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


def next_cursor(rows: list, limit: int) -> str | None:
    """Given up to ``limit + 1`` rows in order, the cursor of the next page, if there is one."""
    if len(rows) <= limit:
        return None
    return SortKey.of(rows[limit - 1]).cursor()


def next_id_cursor(rows: list, limit: int, column: str) -> str | None:
    """As ``next_cursor``, for a list in the order of its ``column`` of ids."""
    if len(rows) <= limit:
        return None
    return IdKey(rows[limit - 1][column]).cursor()
