"""Where the database is: the configured server or an embedded one, pools, and migrations."""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from service.operations.embedded import EmbeddedPostgres
from service.operations.waiting import wait_for_database
from service.settings import Settings

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)

SESSION = {"jit": "off"}
"""Session settings of every service connection. A rebuild's tables have no statistics until
it ends, so the planner's estimates can be huge and trigger JIT compilation, which then costs
half a second for a statement that runs in milliseconds (measured on a 1M-event replay)."""

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def sqlalchemy_url(database_url: str) -> str:
    """The same database as a SQLAlchemy URL for Alembic (asyncpg dialect)."""
    parts = urlsplit(database_url)
    if parts.scheme not in ("postgres", "postgresql", "postgresql+asyncpg"):
        raise ValueError(f"DATABASE_URL must be a postgresql:// URL, not {parts.scheme}://")
    return urlunsplit(parts._replace(scheme="postgresql+asyncpg"))


def with_database(database_url: str, name: str) -> str:
    """The URL of another database on the same server."""
    return urlunsplit(urlsplit(database_url)._replace(path=f"/{name}"))


def describe(database_url: str) -> str:
    """The URL without its password, for logs and ``status``."""
    parts = urlsplit(database_url)
    if parts.password:
        host = parts.hostname or ""
        netloc = f"{parts.username}:***@{host}" + (f":{parts.port}" if parts.port else "")
        parts = parts._replace(netloc=netloc)
    return urlunsplit(parts)


@contextmanager
def in_use(settings: Settings) -> Iterator[str]:
    """The configured server's URL once it accepts connections (waiting for it up to
    ``database_wait_seconds``), or an embedded server's for as long as it is needed."""
    if settings.database_url is not None:
        url = settings.database_url
        wait_for_database(url, settings.database_wait_seconds, describe(url))
        yield url
        return
    embedded = EmbeddedPostgres(settings.data_dir)
    try:
        yield embedded.start()
    finally:
        embedded.stop()


MIGRATION_LOCK = int.from_bytes(
    hashlib.blake2b(b"policy-timeline/migrate", digest_size=8).digest(), "big", signed=True
)
"""The advisory lock key that migrations run under (stable across processes and versions)."""


def migrate(database_url: str, revision: str = "head") -> None:
    """Upgrade (or, with a ``-N``/revision, downgrade) the schema. Call outside an event loop.

    Instances that start together migrate one after another under an advisory lock: the
    first does the work, the others then find the schema at the revision and do nothing.
    """
    asyncio.run(_migrate_under_lock(database_url, revision))


async def _migrate_under_lock(database_url: str, revision: str) -> None:
    # A session lock on a connection of its own: it takes no transaction id, so it holds
    # back no reader of the gap-safe feed while it waits; closing the connection releases it.
    connection = await asyncpg.connect(
        database_url, server_settings={"application_name": "policy-timeline migrate"}
    )
    try:
        await connection.execute("SELECT pg_advisory_lock($1::bigint)", MIGRATION_LOCK)
        await asyncio.to_thread(_run_alembic, database_url, revision)
    finally:
        await connection.close()


def _run_alembic(database_url: str, revision: str) -> None:
    from alembic import command

    config = alembic_config(database_url)
    if revision.startswith("-") or revision == "base":
        command.downgrade(config, revision)
    else:
        command.upgrade(config, revision)


def alembic_config(database_url: str) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    # ConfigParser interpolation: a literal % must be doubled.
    config.set_main_option("sqlalchemy.url", sqlalchemy_url(database_url).replace("%", "%%"))
    return config


class Pool(asyncpg.Pool):  # type: ignore[misc]  # asyncpg has no types: Pool is Any
    """An asyncpg pool whose ``acquire`` (and so ``fetch``, ``execute``...) gives up after
    ``acquire_timeout`` seconds unless the caller passes its own timeout, so a request never
    waits for ever on an exhausted pool or a server that does not answer a new connection."""

    def __init__(self, *args: object, acquire_timeout: float | None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.acquire_timeout = acquire_timeout

    def acquire(self, *, timeout: float | None = None) -> Any:
        return super().acquire(timeout=self.acquire_timeout if timeout is None else timeout)


COMMAND_TIMEOUT_MARGIN_SECONDS = 1.0
"""How much longer than the server's ``statement_timeout`` the client waits for an answer: the
server's cancellation (which keeps the connection) comes first while the server runs."""

CONNECT_TIMEOUT_SECONDS = 10.0
"""How long opening a connection may take when no acquire timeout bounds it (0 in settings)."""


def command_timeout(settings: Settings) -> float | None:
    """The client-side deadline of every statement on the API pool: ``statement_timeout`` plus a
    margin, measured by asyncpg, so a server that stops answering (frozen, cut off by the
    network) cannot hold a request for ever. None (never) when the statement timeout is 0."""
    if not settings.statement_timeout_seconds:
        return None
    return settings.statement_timeout_seconds + COMMAND_TIMEOUT_MARGIN_SECONDS


async def create_pool(
    database_url: str, settings: Settings, *, min_size: int | None = None
) -> Pool:
    """The API's pool: acquisition and every statement time out (0 in settings: never), on the
    server (``statement_timeout``) and on the client (asyncpg's ``command_timeout``, the
    acquire timeout, which also bounds releasing a connection whose statement timed out, and
    the connect timeout). ``min_size``: connections opened at once (default
    ``pool_min_size``; 0 opens none, so the server need not be up)."""
    statement_timeout_ms = round(settings.statement_timeout_seconds * 1000)
    acquire_timeout = settings.pool_acquire_timeout_seconds or None
    pool = Pool(
        database_url,
        acquire_timeout=acquire_timeout,
        command_timeout=command_timeout(settings),
        timeout=acquire_timeout or CONNECT_TIMEOUT_SECONDS,
        min_size=settings.pool_min_size if min_size is None else min_size,
        max_size=settings.pool_max_size,
        server_settings={
            "application_name": "policy-timeline",
            **SESSION,
            "statement_timeout": str(statement_timeout_ms),
        },
        reset=_reset,
        # asyncpg.create_pool's defaults, which the Pool constructor does not repeat
        max_queries=50_000,
        max_inactive_connection_lifetime=300.0,
        loop=None,
        connection_class=asyncpg.Connection,
        record_class=asyncpg.Record,
    )
    return await pool


async def connect(
    database_url: str, purpose: str, server_settings: dict[str, str] | None = None
) -> asyncpg.Connection:
    """A dedicated connection outside the pool, named for ``pg_stat_activity``: for what lives
    and dies with its session (a listener, a session advisory lock, session settings)."""
    return await asyncpg.connect(
        database_url,
        server_settings={
            "application_name": f"policy-timeline {purpose}"[:63],
            **SESSION,
            **(server_settings or {}),
        },
    )


async def close(connection: asyncpg.Connection) -> None:
    """Close a dedicated connection politely if the server answers soon; otherwise just drop
    the socket."""
    if connection.is_closed():
        return
    try:
        await asyncio.wait_for(connection.close(), timeout=5)
    except asyncio.CancelledError:
        connection.terminate()
        raise
    except Exception:
        connection.terminate()


async def _reset(connection: asyncpg.Connection) -> None:
    """Make a released connection clean for its next user.

    asyncpg's default reset sends ``pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET
    ALL`` on every release: a round trip per request. The service never leaves those behind on
    a pooled connection (session locks live on dedicated connections, listeners are removed,
    queries create no temporary tables), so only an abandoned transaction needs undoing.
    """
    if connection.is_in_transaction():
        await connection.execute("ROLLBACK")
