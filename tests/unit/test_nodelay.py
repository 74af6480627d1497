"""The API's connections have TCP_NODELAY when uvicorn serves them from a shared socket.

uvicorn's ``--workers N`` binds one listening socket in its parent and hands it to each worker.
uvicorn 0.54 bound it without ``IPPROTO_TCP``, so asyncio left Nagle's algorithm on for the
connections it accepted: about 40 ms more per request on a kept-alive connection
(Kludex/uvicorn#3149; docs/benchmarks.md, HTTP). 0.55 binds it with ``IPPROTO_TCP``. This test
binds the socket the same way (``Config.bind_socket``), serves it in this process, and reads
the option on the socket of the connection the server accepted, so a uvicorn that goes back
is caught. Nothing is timed.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator

import uvicorn


async def hello(scope, receive, send) -> None:
    assert scope["type"] == "http"
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})


@contextlib.asynccontextmanager
async def served() -> AsyncIterator[uvicorn.Server]:
    """A uvicorn server on a socket bound as for several workers (not by asyncio)."""
    config = uvicorn.Config(hello, host="127.0.0.1", port=0, lifespan="off", log_level="warning")
    sock = config.bind_socket()
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        async with asyncio.timeout(10):
            while not server.started:
                await asyncio.sleep(0.01)
        yield server
    finally:
        server.should_exit = True
        await task
        sock.close()


async def test_connections_of_a_socket_bound_for_several_workers_have_tcp_nodelay():
    async with served() as server:
        port = server.servers[0].sockets[0].getsockname()[1]
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            writer.write(b"GET / HTTP/1.1\r\nHost: test\r\n\r\n")
            await writer.drain()
            async with asyncio.timeout(10):
                assert (await reader.readuntil(b"ok")).startswith(b"HTTP/1.1 200")
            [connection] = server.server_state.connections
            sock = connection.transport.get_extra_info("socket")
            assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
        finally:
            writer.close()
            await writer.wait_closed()
