"""The API under uvicorn in this test's event loop, and a small Server-Sent Events reader.

Over a real socket: Litestar's test client hands a streamed body over only at its end.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import httpx
import uvicorn

from service.app import create_app
from service.operations.http_protocol import HTTP_PROTOCOL
from service.settings import Settings
from tests.deadlines import within
from tests.e2e.processes import free_port


@asynccontextmanager
async def served(settings: Settings, database_url: str) -> AsyncIterator[str]:
    """The app on a free port until the block ends; its base URL."""
    port = free_port()
    config = uvicorn.Config(
        create_app(settings, database_url), host="127.0.0.1", port=port, http=HTTP_PROTOCOL,
        log_level="warning", lifespan="on", timeout_graceful_shutdown=1,
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    try:
        async with within("the app starting under uvicorn"):
            while not server.started:
                if task.done():
                    task.result()
                await asyncio.sleep(0.02)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


@dataclass
class Message:
    id: str | None = None
    event: str | None = None
    data: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)

    def json(self) -> dict:
        return json.loads("\n".join(self.data))


class LiveStream:
    """``GET /events/live`` on its own connection; ``next`` returns message after message.

    A task reads the stream into a queue, so a timeout never interrupts a read."""

    def __init__(self, http: httpx.AsyncClient, path: str, headers: dict | None = None) -> None:
        self._context = http.stream("GET", path, headers=headers or {})
        self.response: httpx.Response | None = None
        self._messages: asyncio.Queue[Message | None] = asyncio.Queue()
        self._reader: asyncio.Task | None = None

    async def open(self) -> LiveStream:
        self.response = await self._context.__aenter__()
        if self.response.status_code == 200:
            self._reader = asyncio.create_task(self._read())
        else:
            await self.response.aread()
        return self

    async def close(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
        await self._context.__aexit__(None, None, None)

    async def _read(self) -> None:
        message = Message()
        try:
            async for line in self.response.aiter_lines():
                if line == "":
                    await self._messages.put(message)
                    message = Message()
                    continue
                name, _, value = line.partition(":")
                value = value.removeprefix(" ")
                if name == "":
                    message.comments.append(value)
                elif name == "data":
                    message.data.append(value)
                elif name in ("id", "event"):
                    setattr(message, name, value)
        except (httpx.ReadError, httpx.RemoteProtocolError):
            pass  # the server went away: the stream ends
        finally:
            await self._messages.put(None)

    async def next(self, timeout: float = 10) -> Message:
        message = await asyncio.wait_for(self._messages.get(), timeout)
        if message is None:
            raise EOFError("the stream ended")
        return message

    async def events(self, count: int, timeout: float = 10) -> list[Message]:
        """The next ``count`` events, heartbeats skipped."""
        found: list[Message] = []
        while len(found) < count:
            message = await self.next(timeout)
            if message.data:
                found.append(message)
        return found

    async def nothing_more(self, seconds: float) -> None:
        """No event arrives within ``seconds`` (heartbeats may)."""
        deadline = time.monotonic() + seconds
        while (remaining := deadline - time.monotonic()) > 0:
            try:
                message = await self.next(remaining)
            except TimeoutError:
                return
            assert not message.data, f"unexpected event {message}"
