"""The wiring every entry point shares: pool -> store -> appender, and the projector.

``service/app.py`` (the API's lifespan), ``service/operations/serving.py`` (``project``), ``service/cli.py``
(``import``, ``source add``) and ``service/writing/seeding.py`` build from here, so a store or an
appender is made one way everywhere, with the settings' channel and intervals, and the read
models the engine keeps current are the ones ``service.read_models`` registers.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass

from service import database
from service.projections.base import Projection
from service.projections.projector import Projector
from service.read_models import PROJECTIONS
from service.settings import Settings
from service.store import PostgresEventStore
from service.writing.appender import Appender


@dataclass(frozen=True)
class Writing:
    """The write side over one pool."""

    pool: database.Pool
    store: PostgresEventStore
    appender: Appender


@asynccontextmanager
async def writing(
    database_url: str, settings: Settings, *, appender: type[Appender] = Appender
) -> AsyncIterator[Writing]:
    """A pool on the migrated database, the store over it and an ``appender`` (the API counts
    its appends: ``CountedAppender``). On the way out the store's pending notifications are
    sent, then the pool is closed."""
    pool = await database.create_pool(database_url, settings)
    try:
        store = PostgresEventStore(
            pool,
            notify_channel=settings.notify_channel,
            poll_interval=settings.poll_interval_seconds,
        )
        try:
            yield Writing(pool, store, appender(store, pool))
        finally:
            await store.notifier.flush()
    finally:
        await pool.close()


def projector(
    database_url: str, settings: Settings, projections: Sequence[Projection] = PROJECTIONS
) -> Projector:
    """The projector of ``projections`` (every registered read model by default), not started."""
    return Projector(
        projections,
        database_url,
        batch_size=settings.projector_batch_size,
        notify_channel=settings.notify_channel,
        poll_interval=settings.poll_interval_seconds,
    )
