"""ETags on successful reads, and 304 Not Modified for a matching ``If-None-Match``.

The tag is a hash of the response body, so it changes exactly when the answer changes; the
middleware buffers GET bodies to compute it (streamed responses opt out with
``opt={"skip_etag": True}``). A response that carries its own ETag (a streamed timeline
export, ``service/http/exports.py``) passes through unbuffered; its handler answers the 304.
"""

from __future__ import annotations

import hashlib
from typing import cast

from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, HTTPResponseStartEvent, HTTPScope, Message, Receive, Scope, Send


def matches(if_none_match: str, etag: str) -> bool:
    candidates = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
    return "*" in candidates or etag in candidates


class ETagMiddleware(ASGIMiddleware):
    scopes = (ScopeType.HTTP,)
    exclude_opt_key = "skip_etag"

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        if cast(HTTPScope, scope)["method"] not in ("GET", "HEAD"):
            await next_app(scope, receive, send)
            return
        start: HTTPResponseStartEvent | None = None
        chunks: list[bytes] = []
        tagged = False

        async def buffer(message: Message) -> None:
            nonlocal start, tagged
            if message["type"] == "http.response.start":
                start = message
                tagged = any(k.lower() == b"etag" for k, _ in message.get("headers", []))
                if tagged:
                    await send(message)
                return
            if message["type"] != "http.response.body" or tagged:
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                await self._finish(scope, start, b"".join(chunks), send)

        await next_app(scope, receive, buffer)

    @staticmethod
    async def _finish(
        scope: Scope, start: HTTPResponseStartEvent | None, body: bytes, send: Send
    ) -> None:
        assert start is not None
        headers = list(start.get("headers", []))
        if start["status"] == 200:
            etag = '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'
            headers.append((b"etag", etag.encode()))
            request_headers = dict(scope.get("headers", []))
            if_none_match = request_headers.get(b"if-none-match", b"").decode("latin-1")
            if if_none_match and matches(if_none_match, etag):
                kept = [(k, v) for k, v in headers if k.lower() not in (b"content-length", b"content-type")]
                await send({"type": "http.response.start", "status": 304, "headers": kept})
                await send({"type": "http.response.body", "body": b"", "more_body": False})
                return
        await send({**start, "headers": headers})
        await send({"type": "http.response.body", "body": body, "more_body": False})
