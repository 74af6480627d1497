"""The composition root: ``create_app`` wires settings, the pool, the store and the routes."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from litestar import Litestar
from litestar.datastructures import State
from litestar.di import Provide
from litestar.logging import LoggingConfig
from litestar.config.cors import CORSConfig
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import Components, SecurityScheme

from service import database, logs
from service.http.auth import BEARER_AUTH
from service.http.etags import ETagMiddleware
from service.http.health import health, ready
from service.http.pages import page_router
from service.http.problems import problem_details_plugin
from service.http.projections import ProjectionController
from service.http.read_models import read_model_router
from service.http.schema_viewer import schema_assets, schema_viewer
from service.http.streams import FeedController, StreamController
from service.projections import PROJECTIONS
from service.projections.base import Projection
from service.projections.feed_watch import watching_feed
from service.projections.projector import Projector
from service.settings import Settings, SettingsError, load_settings
from service.store import PostgresEventStore
from service.web.engine import template_config
from service.writing import Appender

VERSION = "0.1.0"


def create_app(
    settings: Settings, database_url: str, *, projections: Sequence[Projection] = PROJECTIONS
) -> Litestar:
    """The API on an already migrated database at ``database_url``.

    Its projector answers ``GET /projections`` and runs replays in any case; it keeps the
    projections current in this process only when ``settings.run_projector`` is set.
    """

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        pool = await database.create_pool(database_url, settings)
        store = PostgresEventStore(
            pool,
            notify_channel=settings.notify_channel,
            poll_interval=settings.poll_interval_seconds,
        )
        app.state.pool = pool
        replica = settings.database_replica_url
        app.state.read_pool = await database.create_pool(replica, settings) if replica else pool
        app.state.store = store
        app.state.appender = Appender(store, pool)
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
                if app.state.read_pool is not pool:
                    await app.state.read_pool.close()
                await pool.close()

    def state_value(name: str):
        def provide(state: State) -> object:
            return state[name]

        return Provide(provide, sync_to_thread=False)

    app = Litestar(
        route_handlers=[
            StreamController, FeedController, ProjectionController, read_model_router(), health, ready,
            page_router(), schema_assets(),
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
        template_config=template_config(),
        middleware=[ETagMiddleware()],
        openapi_config=OpenAPIConfig(
            title="Policy Timeline",
            version=VERSION,
            description="What governments do and say about AI policy, fact by fact, with evidence.",
            path="/schema",
            render_plugins=[schema_viewer()],
            components=Components(
                security_schemes={
                    BEARER_AUTH: SecurityScheme(
                        type="http",
                        scheme="bearer",
                        description="a token from `policy-timeline token create`",
                    )
                }
            ),
        ),
        cors_config=CORSConfig(allow_origins=list(settings.cors_origins))
        if settings.cors_origins
        else None,
        request_max_body_size=settings.max_body_bytes,
        # The root logger stays as the process set it (service/logs.py): one format, with
        # the pid, in every process of serve, at POLICY_TIMELINE_LOG_LEVEL.
        logging_config=LoggingConfig(configure_root_logger=False),
    )
    app.state.settings = settings
    app.state.projections = tuple(projections)
    return app


def app_from_environment() -> Litestar:
    """The API in each worker of an ASGI server, settings from the environment:
    ``uvicorn --factory service.app:app_from_environment`` (what ``serve`` runs). The database
    at ``DATABASE_URL`` must be migrated already."""
    settings = load_settings()
    if settings.database_url is None:
        raise SettingsError(
            "DATABASE_URL is not set: `policy-timeline serve` sets it for its API processes"
        )
    logs.configure(settings.log_level)
    return create_app(settings, settings.database_url)
