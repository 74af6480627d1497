"""One request to the app's ASGI callable, and every message it sends back, as sent.

An HTTP client (Litestar's test client included) may drop a HEAD answer's body before a test
sees it, so a test of what the app sends looks at the messages themselves. The app runs where
the test client runs its lifespan (its portal's event loop: the pool lives there), and the whole
exchange has a deadline: an answer that never ends fails the test instead of hanging it.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from urllib.parse import urlsplit

import anyio

DEADLINE = 30.0
"""Seconds one exchange may take (generous: other tests share the database server)."""


@dataclass
class Exchange:
    status: int
    headers: dict[str, str]
    bodies: list[bytes]
    """The ``body`` of each ``http.response.body`` message, in order."""
    ended: bool
    """Whether the last body message said there is no more."""

    @property
    def body(self) -> bytes:
        return b"".join(self.bodies)


async def asgi_request(
    client, method: str, target: str, headers: dict[str, str] | None = None
) -> Exchange:
    """``method target`` through ``client.app``'s ASGI callable with ``client``'s headers and
    ``headers``, in the event loop of ``client``'s lifespan."""
    url = urlsplit(target)
    sent = {**dict(client.headers), **(headers or {}), "host": "testserver.local"}
    scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": url.path,
        "raw_path": url.path.encode(),
        "query_string": url.query.encode(),
        "root_path": "",
        "headers": [(name.lower().encode(), value.encode()) for name, value in sent.items()],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver.local", 80),
    }
    messages: list[dict] = []
    requested = False
    answered = False
    answered_event: anyio.Event | None = None  # made in the app's event loop, when needed

    async def receive() -> dict:
        # The request (no body), then, as a server does, a disconnect once the answer has
        # ended (a streamed answer listens for it until then).
        nonlocal requested, answered_event
        if not requested:
            requested = True
            return {"type": "http.request", "body": b"", "more_body": False}
        if not answered:
            answered_event = answered_event or anyio.Event()
            await answered_event.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        nonlocal answered
        messages.append(message)
        if message["type"] == "http.response.body" and not message.get("more_body", False):
            answered = True
            if answered_event is not None:
                answered_event.set()

    running = client.blocking_portal.start_task_soon(client.app, scope, receive, send)
    await asyncio.wait_for(asyncio.wrap_future(running), DEADLINE)
    [start, *rest] = messages
    assert start["type"] == "http.response.start", start
    bodies = [m for m in rest if m["type"] == "http.response.body"]
    assert len(bodies) == len(rest), [m["type"] for m in rest]
    return Exchange(
        status=start["status"],
        headers={name.decode().lower(): value.decode() for name, value in start["headers"]},
        bodies=[m.get("body", b"") for m in bodies],
        ended=bool(bodies) and not bodies[-1].get("more_body", False),
    )
