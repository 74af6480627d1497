"""Waiting, for a bounded time, for PostgreSQL to accept connections before a command starts
(a server that is still starting, restarting or not reachable yet)."""

from __future__ import annotations

import asyncio
import logging
import time

import asyncpg

log = logging.getLogger(__name__)

FIRST_PAUSE = 0.5
LONGEST_PAUSE = 2.0
LONGEST_ATTEMPT = 5.0

NOT_YET = (
    OSError,  # refused, unreachable, a name not resolved yet, a connect that timed out
    asyncpg.CannotConnectNowError,  # starting up, shutting down, in recovery
    asyncpg.TooManyConnectionsError,
    asyncpg.ConnectionDoesNotExistError,  # closed during the handshake
)
"""What a server that is not up yet answers; anything else (a wrong password, a database that
does not exist) will not change by waiting."""


class DatabaseUnavailable(Exception):
    """PostgreSQL did not accept a connection in time, or refused it for a reason that waiting
    does not cure."""


def wait_for_database(database_url: str, seconds: float, name: str) -> None:
    """Return once ``database_url`` accepts a connection; try for ``seconds`` at most (at least
    once), logging each failed attempt. ``name`` is how messages name the server: no password."""
    deadline = time.monotonic() + seconds
    pause = FIRST_PAUSE
    attempt = 0
    while True:
        attempt += 1
        remaining = deadline - time.monotonic()
        try:
            asyncio.run(_connect_once(database_url, min(max(remaining, 1.0), LONGEST_ATTEMPT)))
        except NOT_YET as error:
            reason = _reason(error)
        except (asyncpg.PostgresError, asyncpg.InterfaceError) as error:
            raise DatabaseUnavailable(
                f"PostgreSQL at {name} refused the connection: {_reason(error)}"
            ) from None
        else:
            if attempt > 1:
                log.info("PostgreSQL at %s accepts connections (attempt %d)", name, attempt)
            return
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise DatabaseUnavailable(
                f"PostgreSQL at {name} did not accept a connection within {seconds:g} s "
                f"({attempt} attempt{'s' if attempt > 1 else ''}; the last: {reason}); "
                "POLICY_TIMELINE_DATABASE_WAIT_SECONDS sets how long to wait"
            )
        log.info("waiting for PostgreSQL at %s… attempt %d: %s", name, attempt, reason)
        time.sleep(min(pause, remaining))
        pause = min(pause * 2, LONGEST_PAUSE)


async def _connect_once(database_url: str, timeout: float) -> None:
    connection = await asyncpg.connect(database_url, timeout=timeout)
    await connection.close()


def _reason(error: BaseException) -> str:
    if isinstance(error, ConnectionRefusedError):
        return "connection refused"
    if isinstance(error, TimeoutError):
        return "no answer"
    return str(error) or type(error).__name__
