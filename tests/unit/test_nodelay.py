"""The API's connections have TCP_NODELAY when uvicorn serves them from a shared socket.

uvicorn's ``--workers N`` binds one listening socket in its parent and hands it to each worker;
these tests bind it the same way (``Config.bind_socket``) and serve it in this process, then
read the option on the socket of the connection the server accepted. Nothing is timed.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator

import uvicorn

from service.nodelay import HTTP_PROTOCOL, NoDelayHTTPProtocol
from service.serving import api_command
from service.settings import Settings


async def hello(scope, receive, send) -> None:
    assert scope["type"] == "http"
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})


@contextlib.asynccontextmanager
async def served(http: str) -> AsyncIterator[uvicorn.Server]:
    """A uvicorn server on a socket bound as for several workers (not by asyncio)."""
    config = uvicorn.Config(
        hello, host="127.0.0.1", port=0, http=http, lifespan="off", log_level="warning"
    )
    sock = config.bind_socket()
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started:
            await asyncio.sleep(0.01)
        yield server
    finally:
        server.should_exit = True
        await task
        sock.close()


async def nodelay_of_served_connection(http: str) -> int:
    """TCP_NODELAY of the server's side of a kept-alive connection that got an answer."""
    async with served(http) as server:
        port = server.servers[0].sockets[0].getsockname()[1]
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            writer.write(b"GET / HTTP/1.1\r\nHost: test\r\n\r\n")
            await writer.drain()
            assert (await reader.readuntil(b"ok")).startswith(b"HTTP/1.1 200")
            [connection] = server.server_state.connections
            sock = connection.transport.get_extra_info("socket")
            return sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
        finally:
            writer.close()
            await writer.wait_closed()


async def test_the_api_protocol_sets_tcp_nodelay_on_connections_of_a_shared_socket():
    assert await nodelay_of_served_connection(HTTP_PROTOCOL) != 0


async def test_uvicorn_alone_leaves_tcp_nodelay_off_on_a_shared_socket():
    # Why service/nodelay.py exists (Kludex/uvicorn#3149). If this fails, uvicorn sets the
    # option itself now, and the protocol class is no longer needed.
    assert await nodelay_of_served_connection("auto") == 0


def test_the_import_string_names_the_protocol_class():
    config = uvicorn.Config(hello, http=HTTP_PROTOCOL)
    config.load()
    assert config.http_protocol_class is NoDelayHTTPProtocol


def test_serve_runs_uvicorn_with_that_protocol_for_any_worker_count():
    for workers in (1, 2):
        command = api_command(Settings(workers=workers))
        assert command[command.index("--http") + 1] == HTTP_PROTOCOL
