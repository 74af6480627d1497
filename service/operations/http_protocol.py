"""uvicorn's h11 protocol, reading raw UTF-8 in a request's target and answering a request it
cannot read with a problem document.

curl and other clients send a URL's non-ASCII characters as they are: ``curl
'localhost:8000/statements?q=오픈소스'`` puts the raw UTF-8 bytes in the request line. h11
accepts only visible ASCII there, so uvicorn answered ``400 Invalid HTTP request received.``
(text/plain) before the app saw the request. This protocol percent-encodes each byte >= 0x80 of
the request target before h11 reads the line, as nginx accepts such requests: the app sees the
same path and query string as for the percent-encoded URL. Only the target changes: header
values may carry such bytes already (h11 accepts obs-text there), and bodies are not touched.

Handled: a request line that arrives in pieces (held until its end, up to h11's largest
incomplete event; a longer line goes to h11 as it is, which refuses it), every request of a
kept-alive connection, and a pipelined request that arrives after the one before it was read
to its end. Not handled: a request line that comes in the same read as (the end of) the
request before it, as when a client pipelines requests in one write; h11 reads that line as it
is, so raw UTF-8 there is still a 400.

A request h11 cannot read (``GARBAGE``, a NUL in the target, a line too long) is answered 400
``application/problem+json``, type ``/problems/bad-request`` (docs/api.md, "Problems"), and
the connection is closed, as uvicorn does for its own 400. httptools is not used, even when
installed: this is h11's protocol.
"""

from __future__ import annotations

import re
import uuid
from http import HTTPStatus
from typing import Any

import h11
import msgspec
from h11._connection import DEFAULT_MAX_INCOMPLETE_EVENT_SIZE  # as uvicorn's H11Protocol does
from uvicorn.protocols.http.h11_impl import H11Protocol

HTTP_PROTOCOL = "service.operations.http_protocol:Utf8TargetProtocol"
"""The import string uvicorn's ``--http`` takes for the class below."""

_NOT_ASCII = re.compile(rb"[\x80-\xff]")


def percent_encoded(request_line: bytes) -> bytes:
    """The request line with each byte >= 0x80 of its target (between the first and the last
    space) written ``%XX``; the method and the version are left as they are."""
    method, _, rest = request_line.partition(b" ")
    target, space, version = rest.rpartition(b" ")
    if not space or target.isascii():
        return request_line
    encoded = _NOT_ASCII.sub(lambda byte: b"%%%02X" % byte[0][0], target)
    return b"%s %s %s" % (method, encoded, version)


class Utf8TargetProtocol(H11Protocol):
    """uvicorn's h11 protocol with raw UTF-8 read in request targets and a problem document
    for a request it cannot read (see the module's docstring)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._line_start = bytearray()  # the start of a request line, not given to h11 yet
        max_size = self.config.h11_max_incomplete_event_size
        self._max_line = DEFAULT_MAX_INCOMPLETE_EVENT_SIZE if max_size is None else max_size

    def data_received(self, data: bytes) -> None:
        if not self._line_start and not self._at_request_line():
            super().data_received(data)
            return
        self._line_start += data
        end = self._line_start.find(b"\n")
        if end < 0 and len(self._line_start) <= self._max_line and self._line_start[0] > 0x20:
            # Wait for the rest of the line. A first byte h11 refuses at once (a control
            # character, a TLS handshake) goes on at once, as it would without this class.
            self._unset_keepalive_if_required()
            return
        if end >= 0:
            data = percent_encoded(bytes(self._line_start[:end])) + self._line_start[end:]
        else:
            data = bytes(self._line_start)
        self._line_start.clear()
        super().data_received(data)

    def _at_request_line(self) -> bool:
        """Whether the next byte received starts a request line: h11 waits for a request
        (IDLE) or has read the last one to its end (DONE, a pipelined request may follow),
        and holds no byte it has not read."""
        return self.conn.their_state in (h11.IDLE, h11.DONE) and not self.conn.trailing_data[0]

    def send_400_response(self, msg: str) -> None:
        request_id = uuid.uuid4().hex
        body = msgspec.json.encode(
            {
                "type": "/problems/bad-request",
                "title": HTTPStatus.BAD_REQUEST.phrase,
                "status": 400,
                "detail": "the request is not HTTP/1.1 that the server can read",
                "request_id": request_id,
            }
        )
        headers = [
            *self.server_state.default_headers,
            (b"content-type", b"application/problem+json"),
            (b"content-length", str(len(body)).encode()),
            (b"x-request-id", request_id.encode()),
            (b"connection", b"close"),
        ]
        response = h11.Response(status_code=400, headers=headers, reason=b"Bad Request")
        for event in (response, h11.Data(data=body), h11.EndOfMessage()):
            self.transport.write(self.conn.send(event))
        self.transport.close()
