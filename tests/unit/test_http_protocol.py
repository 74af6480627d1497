"""The API's HTTP protocol (service/operations/http_protocol.py) on real sockets: raw UTF-8 in a request
line is read as its percent-encoding, an unreadable request gets a problem document, and the
connections have TCP_NODELAY.

uvicorn serves a small app that echoes what it was asked, in this process, on a socket bound
as uvicorn binds it for several workers; requests are written byte for byte.
"""

from __future__ import annotations

import asyncio
import json
import socket
from urllib.parse import parse_qs, quote

import pytest
import uvicorn

from service.operations.http_protocol import HTTP_PROTOCOL, Utf8TargetProtocol
from service.operations.serving import api_command
from service.settings import Settings
from tests.raw_http import DEADLINE, connected, get, served

KOREAN = "오픈소스"
RAW = KOREAN.encode()
ENCODED = quote(KOREAN).encode()  # %EC%98%A4%ED%94%88%EC%86%8C%EC%8A%A4


class Echo:
    """Answers what uvicorn gave it of the request line; ``/slow`` waits for ``release``."""

    def __init__(self) -> None:
        self.slow_entered = asyncio.Event()
        self.release = asyncio.Event()

    async def __call__(self, scope, receive, send) -> None:
        assert scope["type"] == "http"
        if scope["path"] == "/slow":
            self.slow_entered.set()
            await self.release.wait()
        body = json.dumps(
            {
                "method": scope["method"],
                "path": scope["path"],
                "raw_path": scope["raw_path"].decode("latin-1"),
                "query_string": scope["query_string"].decode("latin-1"),
            }
        ).encode()
        headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def recording_protocol() -> type[Utf8TargetProtocol]:
    """The API's protocol, keeping each read of the server (``reads``) to check how the bytes
    arrived."""

    class Recording(Utf8TargetProtocol):
        reads: list[bytes] = []

        def data_received(self, data: bytes) -> None:
            self.reads.append(data)
            super().data_received(data)

    return Recording


async def until(condition, what: str) -> None:
    try:
        async with asyncio.timeout(DEADLINE):
            while not condition():
                await asyncio.sleep(0.005)
    except TimeoutError:
        pytest.fail(f"{what} did not happen within {DEADLINE} s")


async def echo_of(target: bytes) -> dict:
    async with served(Echo()) as server, connected(server) as connection:
        await connection.send(get(target))
        answer = await connection.answer()
    assert answer.status == 200, answer
    return answer.json()


async def test_raw_utf8_in_the_target_is_read_as_its_percent_encoding():
    raw = await echo_of(b"/%s/x?q=%s&limit=2" % (RAW, RAW))
    encoded = await echo_of(b"/%s/x?q=%s&limit=2" % (ENCODED, ENCODED))
    assert raw == encoded
    assert raw["path"] == f"/{KOREAN}/x"
    assert raw["query_string"] == f"q={ENCODED.decode()}&limit=2"
    [q] = parse_qs(raw["query_string"])["q"]
    assert q.encode() == RAW


@pytest.mark.parametrize(
    "cut",
    [
        len(b"GET /x?q=") + 1,  # after the first of the three bytes of 오
        len(b"GET /x?q=") + 4,  # in the middle of 픈
        len(b"GET /x?q=%s&limit=2 HTTP/1.1\r" % RAW),  # between the line's \r and \n
    ],
)
async def test_a_request_line_that_arrives_in_two_reads_cut_anywhere(cut):
    request = get(b"/x?q=%s&limit=2" % RAW)
    protocol = recording_protocol()
    async with served(Echo(), http=protocol) as server, connected(server) as connection:
        await connection.send(request[:cut])
        await until(lambda: protocol.reads, "the server to read the first part")
        await connection.send(request[cut:])
        answer = await connection.answer()
    assert protocol.reads[0] == request[:cut]  # two reads indeed
    assert answer.status == 200
    assert parse_qs(answer.json()["query_string"]) == {"q": [KOREAN], "limit": ["2"]}


async def test_every_request_of_a_kept_alive_connection():
    async with served(Echo()) as server, connected(server) as connection:
        echoes = []
        for target in (b"/first", b"/second?q=" + RAW, b"/third?q=" + ENCODED, b"/" + RAW):
            await connection.send(get(target))
            answer = await connection.answer()
            assert answer.status == 200, (target, answer)
            echoes.append(answer.json())
        assert len(server.server_state.connections) == 1
    assert [echo["path"] for echo in echoes] == ["/first", "/second", "/third", f"/{KOREAN}"]
    assert echoes[1]["query_string"] == echoes[2]["query_string"] == f"q={ENCODED.decode()}"


async def test_a_pipelined_request_sent_while_the_one_before_is_answered():
    app = Echo()
    async with served(app) as server, connected(server) as connection:
        await connection.send(get(b"/slow"))
        async with asyncio.timeout(DEADLINE):
            await app.slow_entered.wait()
        await connection.send(get(b"/after?q=" + RAW))
        await asyncio.sleep(0.05)  # let the server read it before it answers /slow
        app.release.set()
        first, second = await connection.answer(), await connection.answer()
    assert (first.status, first.json()["path"]) == (200, "/slow")
    assert second.status == 200, second
    assert parse_qs(second.json()["query_string"]) == {"q": [KOREAN]}


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"GARBAGE\r\n\r\n",
        get(b"/statements?q=\x00"),  # a NUL in the target
        get(b"/statements?q=%s\x00" % RAW),  # raw UTF-8 is read, the NUL still is not
        b"G\xc3\x89T / HTTP/1.1\r\nHost: test\r\n\r\n",  # raw UTF-8 in the method
        b"GET /" + b"a" * 20_000,  # a line longer than h11 takes, without its end
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",  # a TLS handshake, without a line end
    ],
    ids=["garbage", "nul", "utf8-and-nul", "utf8-method", "too-long", "tls"],
)
async def test_a_request_the_server_cannot_read_is_answered_with_a_problem_document(
    request_bytes,
):
    async with served(Echo()) as server, connected(server) as connection:
        await connection.send(request_bytes)
        answer = await connection.answer()
        assert answer.status == 400
        assert answer.headers["content-type"] == "application/problem+json"
        problem = answer.json()
        assert problem == {
            "type": "/problems/bad-request",
            "title": "Bad Request",
            "status": 400,
            "detail": problem["detail"],
            "request_id": answer.headers["x-request-id"],
        }
        assert problem["detail"]
        assert answer.headers["connection"] == "close"
        assert await connection.closed_by_server()


async def test_connections_of_a_socket_bound_for_several_workers_have_tcp_nodelay():
    # uvicorn 0.54 left Nagle's algorithm on there: about 40 ms more per request on a
    # kept-alive connection (Kludex/uvicorn#3149); 0.55 binds the socket with IPPROTO_TCP.
    async with served(Echo()) as server, connected(server) as connection:
        await connection.send(get(b"/"))
        assert (await connection.answer()).status == 200
        [served_connection] = server.server_state.connections
        sock = served_connection.transport.get_extra_info("socket")
        assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0


def test_the_import_string_names_the_protocol_class():
    config = uvicorn.Config(Echo(), http=HTTP_PROTOCOL)
    config.load()
    assert config.http_protocol_class is Utf8TargetProtocol


def test_serve_runs_uvicorn_with_that_protocol_for_any_worker_count():
    for workers in (1, 2):
        command = api_command(Settings(workers=workers))
        assert command[command.index("--http") + 1] == HTTP_PROTOCOL
