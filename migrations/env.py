"""Alembic environment: hand-written SQL revisions run over SQLAlchemy's asyncpg dialect.

The URL is the ``sqlalchemy.url`` option when the service sets one, otherwise the
``DATABASE_URL`` setting (so plain ``alembic upgrade head`` works from the repository root).
"""

import asyncio

from alembic import context
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from service.database import sqlalchemy_url
from service.settings import load_settings


def _url() -> str:
    configured = context.config.get_main_option("sqlalchemy.url")
    if configured:
        return configured
    settings = load_settings()
    if settings.database_url is None:
        raise SystemExit("DATABASE_URL is not set; use `policy-timeline migrate` for the embedded server")
    return sqlalchemy_url(settings.database_url)


def _run(connection) -> None:
    context.configure(connection=connection, transaction_per_migration=True)
    with context.begin_transaction():
        context.run_migrations()


async def _run_online() -> None:
    engine = create_async_engine(_url(), poolclass=NullPool)
    async with engine.connect() as connection:
        await connection.run_sync(_run)
    await engine.dispose()


if context.is_offline_mode():
    context.configure(url=_url(), literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    asyncio.run(_run_online())
