"""Counting a projection's backlog stops at a cap, so a status request never walks the log."""

from __future__ import annotations

import asyncio
import uuid

import msgspec

from service.store import START, NewEvent, backlog
from service.store.backlog import backlog_after


async def test_the_readable_backlog_is_counted_up_to_the_cap(store, pool, monkeypatch):
    events = [NewEvent(id=uuid.uuid4(), type="thing.happened", data=msgspec.json.encode({}))
              for _ in range(5)]
    await store.append("thing-1", events, "any")
    async with pool.acquire() as connection:
        # Another transaction on the server may keep the new events unreadable for a moment.
        for _ in range(600):
            [counted] = await backlog_after(connection, [START])
            if counted.events_readable == 5:
                break
            await asyncio.sleep(0.05)
        monkeypatch.setattr(backlog, "COUNT_CAP", 3)
        [capped] = await backlog_after(connection, [START])
    assert (capped.events_readable, counted.events_readable) == (3, 5)
