"""A warning in the log when the gap-safe feed stalls, naming the transaction that stalls it.

A transaction that holds a transaction id anywhere on the server (another database included)
keeps every event committed after it unreadable until it ends; every projection then stands
still while ``events_behind`` stays 0. This says so, once per stall.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

import asyncpg

from service.projections.connections import close, connect
from service.store import FeedBacklog, feed_backlog

log = logging.getLogger(__name__)

_NOT_STALLED = object()


class FeedWatch:
    """Warns when committed events have been unreadable for longer than ``threshold`` seconds:
    once per blocking transaction, and again only for another one or after the feed recovered."""

    def __init__(self, threshold: float, logger: logging.Logger = log) -> None:
        self.threshold = threshold
        self.logger = logger
        self._warned_about: object = _NOT_STALLED

    async def warn_if_stalled(self, connection: asyncpg.Connection) -> FeedBacklog:
        backlog = await feed_backlog(connection)
        stalled = backlog.events_unreadable and backlog.oldest_unreadable_seconds > self.threshold
        if not stalled:
            if self._warned_about is not _NOT_STALLED:
                self.logger.info("the event feed is readable again")
                self._warned_about = _NOT_STALLED
            return backlog
        blocking = backlog.blocking
        culprit = (blocking.pid, blocking.backend_xid) if blocking else None
        if culprit != self._warned_about:
            self._warned_about = culprit
            self.logger.warning("%s", stall_message(backlog))
        return backlog


def stall_message(backlog: FeedBacklog) -> str:
    stall = (
        f"the event feed is stalled: {backlog.events_unreadable} committed event(s), the oldest "
        f"{backlog.oldest_unreadable_seconds:.1f} s old, are not readable yet, so no "
        "projection or live subscriber sees them"
    )
    blocking = backlog.blocking
    if blocking is None:
        return f"{stall}; no session holds the oldest transaction id (a prepared transaction?)"
    age = (
        f"open for {blocking.transaction_seconds:.1f} s"
        if blocking.transaction_seconds is not None
        else "of unknown age"
    )
    return (
        f"{stall}; they wait for the transaction of backend pid {blocking.pid} in database "
        f"{blocking.database!r} (application {blocking.application_name!r}, "
        f"{blocking.state or 'state unknown'}, {age}, xid {blocking.backend_xid}) to end"
    )


async def watch_feed(database_url: str, watch: FeedWatch, interval: float) -> None:
    """Check every ``interval`` seconds until cancelled, on a connection of its own (the
    projector's process may have no pool); a database that does not answer is the readiness
    check's business, not this one's."""
    connection: asyncpg.Connection | None = None
    try:
        while True:
            try:
                if connection is None or connection.is_closed():
                    connection = await connect(database_url, "feed watch")
                await watch.warn_if_stalled(connection)
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
                log.debug("feed watch could not check the feed: %r", error)
                if connection is not None:
                    connection.terminate()
                    connection = None
            await asyncio.sleep(interval)
    finally:
        if connection is not None:
            await close(connection)


@contextlib.asynccontextmanager
async def watching_feed(database_url: str, threshold: float) -> AsyncIterator[None]:
    """``watch_feed`` in the background, checking every ``threshold / 2`` seconds, for the
    duration of the block; a threshold of 0 watches nothing. Wrap the projector's run in it."""
    if not threshold:
        yield
        return
    task = asyncio.create_task(
        watch_feed(database_url, FeedWatch(threshold), interval=threshold / 2),
        name="feed watch",
    )
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
