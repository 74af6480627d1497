"""Deadlines for the waits of the tests: something that never happens (a lost event, a server
that does not start) fails the test that waits for it, and names what it waited for, instead of
hanging the suite. The deadlines are generous, never a measurement: the feed only reads below
the oldest transaction running anywhere on the server, and other test runs share it."""

from __future__ import annotations

import asyncio
import contextlib
import inspect
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TypeVar

DEADLINE = 30.0
"""Seconds a test waits for anything before it fails."""

T = TypeVar("T")


@contextlib.asynccontextmanager
async def within(what: str, seconds: float = DEADLINE) -> AsyncIterator[None]:
    """The block must end within ``seconds``; otherwise the test fails, saying ``what``."""
    try:
        async with asyncio.timeout(seconds) as bound:
            yield
    except TimeoutError:
        if bound.expired():
            raise AssertionError(f"{what}: not within {seconds:g} s") from None
        raise


async def until(
    condition: Callable[[], T | Awaitable[T]],
    what: str,
    seconds: float = DEADLINE,
    step: float = 0.05,
) -> T:
    """The first truthy value of ``condition()`` (a function or a coroutine function), asked
    every ``step`` seconds; the test fails if none comes within ``seconds``."""
    async with within(what, seconds):
        while True:
            value = condition()
            if inspect.isawaitable(value):
                value = await value
            if value:
                return value
            await asyncio.sleep(step)
