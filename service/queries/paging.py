"""Keyset pages over the timeline order: earliest day, then precision, then position."""

from __future__ import annotations

import base64
import binascii
from datetime import date
from typing import NamedTuple

import events

PRECISION_RANK: dict[events.Precision, int] = {"year": 0, "month": 1, "day": 2}


class InvalidPageCursor(ValueError):
    def __init__(self, text: str) -> None:
        super().__init__(
            f"not a page cursor: {text!r}; use a `next_cursor` value that the API returned"
        )


class SortKey(NamedTuple):
    """Where a fact sorts in timeline order; a page continues after the key of its last item."""

    earliest: date
    precision_rank: int
    position: int

    def cursor(self) -> str:
        plain = f"{self.earliest.isoformat()}.{self.precision_rank}.{self.position}"
        return base64.urlsafe_b64encode(plain.encode()).decode().rstrip("=")

    @classmethod
    def parse(cls, cursor: str) -> SortKey:
        try:
            padded = cursor + "=" * (-len(cursor) % 4)
            plain = base64.urlsafe_b64decode(padded.encode("ascii")).decode("ascii")
            day, rank, position = plain.split(".")
            key = cls(date.fromisoformat(day), int(rank), int(position))
        except (ValueError, UnicodeError, binascii.Error):
            raise InvalidPageCursor(cursor) from None
        if key.precision_rank not in (0, 1, 2) or not 0 < key.position < 2**63:
            raise InvalidPageCursor(cursor)
        return key


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
    last = rows[limit - 1]
    return SortKey(last["earliest"], last["precision_rank"], last["position"]).cursor()
