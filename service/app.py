"""The composition root: ``create_app`` wires settings, the pool, the store and the routes."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from litestar import Litestar
from litestar.datastructures import State
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig

from service import database
from service.appending import Appender
from service.http.etags import ETagMiddleware
from service.http.health import health, ready
from service.http.problems import problem_details_plugin
from service.http.projections import ProjectionController
from service.http.read_models import READ_MODEL_ROUTES
from service.http.streams import FeedController, StreamController
from service.projections import PROJECTIONS
from service.projections.base import Projection
from service.projections.feed_watch import watching_feed
from service.projections.projector import Projector
from service.seeding import seed
from service.settings import Settings
from service.store import PostgresEventStore

VERSION = "0.1.0"


def create_app(
    settings: Settings, database_url: str, *, projections: Sequence[Projection] = PROJECTIONS
) -> Litestar:
    """The API on an already migrated database at ``database_url``."""

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        pool = await database.create_pool(database_url, settings)
        store = PostgresEventStore(
            pool,
            notify_channel=settings.notify_channel,
            poll_interval=settings.poll_interval_seconds,
        )
        app.state.pool = pool
        app.state.store = store
        app.state.appender = Appender(store, pool)
        if settings.seed_on_start and await pool.fetchval("SELECT NOT EXISTS (SELECT FROM events)"):
            await seed(app.state.appender)
        projector = Projector(
            projections,
            database_url,
            batch_size=settings.projector_batch_size,
            notify_channel=settings.notify_channel,
            poll_interval=settings.poll_interval_seconds,
        )
        app.state.projector = projector
        try:
            if settings.run_projector:
                await projector.start()
            stall_warning = settings.feed_stall_warning_seconds if settings.run_projector else 0
            async with watching_feed(database_url, stall_warning):
                yield
        finally:
            try:
                await projector.stop()
                await store.notifier.flush()
            finally:
                await pool.close()

    def state_value(name: str):
        def provide(state: State) -> object:
            return state[name]

        return Provide(provide, sync_to_thread=False)

    app = Litestar(
        route_handlers=[
            StreamController, FeedController, ProjectionController, *READ_MODEL_ROUTES, health, ready
        ],
        lifespan=[lifespan],
        dependencies={
            "pool": state_value("pool"),
            "store": state_value("store"),
            "appender": state_value("appender"),
            "projector": state_value("projector"),
            "settings": state_value("settings"),
            "projections": state_value("projections"),
        },
        plugins=[problem_details_plugin()],
        middleware=[ETagMiddleware()],
        openapi_config=OpenAPIConfig(
            title="Policy Timeline",
            version=VERSION,
            description="What governments do and say about AI policy, fact by fact, with evidence.",
            path="/schema",
        ),
        request_max_body_size=settings.max_body_bytes,
    )
    app.state.settings = settings
    app.state.projections = tuple(projections)
    return app
