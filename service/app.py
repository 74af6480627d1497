"""The composition root: ``create_app`` wires settings, the pools, the store and the routes."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from litestar import Litestar
from litestar.config.cors import CORSConfig
from litestar.datastructures import State
from litestar.di import Provide
from litestar.exceptions import NotFoundException
from litestar.logging import LoggingConfig

from service import bootstrap, database
from service.http.caching import REVALIDATE
from service.http.consistency import note_a_lost_replica
from service.http.desk import desk_router
from service.http.etags import ETagMiddleware
from service.http.head import answering_head
from service.http.health import health, ready
from service.http.live import live_events
from service.http.locate import locate
from service.http.metrics import CountedAppender, MetricsController, prometheus_config
from service.http.openapi import StrictStructSchemaPlugin, openapi_config
from service.http.pages import page_router
from service.http.problems import exception_handlers, problem_details_plugin
from service.http.projections import ProjectionController
from service.http.rate_limit import write_rate_limit
from service.http.read_params import READ_DEPENDENCIES
from service.http.read_router import read_router
from service.http.request_ids import send_request_id
from service.http.schema_viewer import schema_assets, schema_viewer
from service.http.security_headers import send_security_headers
from service.http.sessions import (
    STORE_NAME,
    PostgresSessionStore,
    csrf_config,
    session_config,
)
from service.http.streams import FeedController, StreamController
from service.http.strict_input import not_found, refuse_undeclared_input
from service.live import LiveFeed
from service.operations import logs
from service.projections.base import Projection
from service.projections.feed_watch import watching_feed
from service.read_models import PROJECTIONS
from service.read_routing import ReadRouting
from service.settings import Settings, SettingsError, load_settings
from service.web.engine import template_config

VERSION = "0.1.0"


def create_app(
    settings: Settings, database_url: str, *, projections: Sequence[Projection] = PROJECTIONS
) -> Litestar:
    """The API on an already migrated database at ``database_url``.

    Its projector answers ``GET /projections`` and runs replays in any case; it keeps the
    projections current in this process only when ``settings.run_projector`` is set.
    """

    secure_cookies = (settings.public_url or "").startswith("https://")
    sessions = PostgresSessionStore()
    desk_csrf = csrf_config(secure_cookies)

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        async with bootstrap.writing(database_url, settings, appender=CountedAppender) as writing:
            pool, store = writing.pool, writing.store
            sessions.use(pool)
            app.state.pool = pool
            app.state.store = store
            app.state.appender = writing.appender
            replica_url = settings.database_replica_url
            # A replica that is down must not keep the API from starting: its pool opens no
            # connection until a check or a read asks for one.
            replica = (
                await database.create_pool(replica_url, settings, min_size=0)
                if replica_url
                else None
            )
            read_routing = ReadRouting(
                pool,
                replica,
                max_lag_seconds=settings.replica_max_lag_seconds,
                check_seconds=settings.replica_check_seconds,
            )
            app.state.read_routing = read_routing
            projector = bootstrap.projector(database_url, settings, projections)
            app.state.projector = projector
            live_feed = LiveFeed(
                store,
                database_url,
                notify_channel=settings.notify_channel,
                poll_interval=settings.poll_interval_seconds,
                max_subscribers=settings.live_max_subscribers,
                queue_batches=settings.live_queue_batches,
            )
            app.state.live_feed = live_feed
            try:
                await read_routing.start()
                await live_feed.start()
                if settings.run_projector:
                    await projector.start()
                stall_warning = settings.feed_stall_warning_seconds if settings.run_projector else 0
                async with watching_feed(database_url, stall_warning):
                    yield
            finally:
                try:
                    await read_routing.stop()
                    await live_feed.stop()
                    await projector.stop()
                finally:
                    if replica is not None:
                        await replica.close()

    def state_value(name: str) -> Provide:
        def provide(state: State) -> object:
            return state[name]

        return Provide(provide, sync_to_thread=False)

    app = Litestar(
        route_handlers=[
            StreamController,
            FeedController,
            live_events,
            locate,
            ProjectionController,
            read_router(),
            health,
            ready,
            MetricsController,
            page_router(),
            desk_router(session_config(settings.desk_session_minutes * 60, secure_cookies), desk_csrf),
            schema_assets(),
        ],
        lifespan=[lifespan],
        dependencies={
            "pool": state_value("pool"),
            "store": state_value("store"),
            "appender": state_value("appender"),
            "projector": state_value("projector"),
            "live_feed": state_value("live_feed"),
            "read_routing": state_value("read_routing"),
            "settings": state_value("settings"),
            "projections": state_value("projections"),
            **READ_DEPENDENCIES,
        },
        plugins=[problem_details_plugin(), StrictStructSchemaPlugin()],
        exception_handlers={**exception_handlers(), NotFoundException: not_found},
        after_exception=[note_a_lost_replica],
        before_request=refuse_undeclared_input,
        before_send=[send_request_id, send_security_headers],
        cache_control=REVALIDATE,
        middleware=[
            prometheus_config().middleware,
            *([limit.middleware] if (limit := write_rate_limit(settings)) else []),
            ETagMiddleware(),
        ],
        template_config=template_config(),
        stores={STORE_NAME: sessions},
        openapi_config=openapi_config(VERSION, render_plugins=[schema_viewer()]),
        cors_config=CORSConfig(allow_origins=list(settings.cors_origins))
        if settings.cors_origins
        else None,
        request_max_body_size=settings.max_body_bytes,
        # The root logger stays as the process set it (service/operations/logs.py): one format, with
        # the pid, in every process of serve, at POLICY_TIMELINE_LOG_LEVEL.
        logging_config=LoggingConfig(configure_root_logger=False),
    )
    app.asgi_handler = answering_head(app.asgi_handler)
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
