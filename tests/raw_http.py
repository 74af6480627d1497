"""An ASGI app under uvicorn in this test's event loop, and HTTP/1.1 over a raw socket: requests
are written byte for byte (raw UTF-8 in the request line included, which HTTP clients refuse
or percent-encode), answers read with a deadline."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import uvicorn

from service.operations.http_protocol import HTTP_PROTOCOL

DEADLINE = 10.0
"""Seconds any wait of these helpers may take."""


@contextlib.asynccontextmanager
async def served(
    app: Any, *, http: Any = HTTP_PROTOCOL, lifespan: str = "off"
) -> AsyncIterator[uvicorn.Server]:
    """``app`` under uvicorn on a socket bound as for several workers (``Config.bind_socket``,
    not by asyncio), until the block ends."""
    config = uvicorn.Config(
        app, host="127.0.0.1", port=0, http=http, lifespan=lifespan, log_level="warning",
        timeout_graceful_shutdown=1,
    )  # fmt: skip
    sock = config.bind_socket()
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        async with asyncio.timeout(DEADLINE):
            while not server.started:
                if task.done():
                    task.result()
                await asyncio.sleep(0.01)
        yield server
    finally:
        server.should_exit = True
        await task
        sock.close()


def port_of(server: uvicorn.Server) -> int:
    return server.servers[0].sockets[0].getsockname()[1]


def get(target: bytes, *headers: bytes) -> bytes:
    """A GET with ``target`` as it is in its request line."""
    return b"GET %s HTTP/1.1\r\nHost: test\r\n%s\r\n" % (target, b"".join(h + b"\r\n" for h in headers))


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class Connection:
    """One TCP connection to the server: write bytes, read answers (by ``Content-Length``)."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    async def send(self, data: bytes) -> None:
        self.writer.write(data)
        async with asyncio.timeout(DEADLINE):
            await self.writer.drain()

    async def answer(self) -> Answer:
        async with asyncio.timeout(DEADLINE):
            head = await self.reader.readuntil(b"\r\n\r\n")
            status_line, *lines = head.decode("latin-1").split("\r\n")[:-2]
            headers = {}
            for line in lines:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            body = await self.reader.readexactly(int(headers.get("content-length", "0")))
        return Answer(int(status_line.split(" ")[1]), headers, body)

    async def closed_by_server(self) -> bool:
        """Whether the server closes the connection (nothing more to read) within the deadline."""
        async with asyncio.timeout(DEADLINE):
            return await self.reader.read() == b""


@contextlib.asynccontextmanager
async def connected(server: uvicorn.Server) -> AsyncIterator[Connection]:
    async with asyncio.timeout(DEADLINE):
        reader, writer = await asyncio.open_connection("127.0.0.1", port_of(server))
    try:
        yield Connection(reader, writer)
    finally:
        writer.close()
        with contextlib.suppress(ConnectionError):
            await writer.wait_closed()
