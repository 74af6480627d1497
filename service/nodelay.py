"""uvicorn's HTTP protocol with TCP_NODELAY set on every accepted connection.

With ``--workers N`` > 1, uvicorn 0.54 binds the shared listening socket with
``socket.socket(family)``, protocol 0, and the sockets it accepts inherit that protocol number.
asyncio sets TCP_NODELAY only on sockets that report ``IPPROTO_TCP``, so on those connections
Nagle's algorithm holds each answer's last segment until the client's delayed ACK: about 40 ms
more per request on a kept-alive connection (Kludex/uvicorn#3149; docs/benchmarks.md, HTTP).
With one worker asyncio binds the socket itself and sets the option; setting it again is
harmless. ``serve`` passes this class to uvicorn as ``--http service.nodelay:NoDelayHTTPProtocol``.
"""

from __future__ import annotations

import asyncio
import socket

from uvicorn.protocols.http.auto import AutoHTTPProtocol

HTTP_PROTOCOL = "service.nodelay:NoDelayHTTPProtocol"
"""The import string uvicorn's ``--http`` takes for the class below."""


def set_nodelay(transport: asyncio.BaseTransport) -> None:
    """Turn Nagle's algorithm off on the transport's TCP socket (nothing for other sockets)."""
    sock = transport.get_extra_info("socket")
    if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:  # the peer is already gone
            pass


class NoDelayHTTPProtocol(AutoHTTPProtocol):  # type: ignore[misc, valid-type]
    """The protocol uvicorn's ``--http auto`` picks (httptools if installed, else h11)."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        set_nodelay(transport)
        super().connection_made(transport)
