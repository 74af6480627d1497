"""HEAD wherever GET: the request is routed as a GET and the answer keeps its headers
(``Content-Length`` and ``ETag`` included) but sends no body.

Litestar routes by method before any middleware runs, and its ``head`` handlers may not
return a value, so this wraps the app's router: the one piece of ASGI written by hand.
"""

from __future__ import annotations

from typing import cast

from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

HEAD_ONLY = "policy_timeline.head"
"""Set in the scope of a HEAD routed as a GET: a handler that streams for ever (the live
feed) answers its headers and an empty stream instead."""


def answering_head(app: ASGIApp) -> ASGIApp:
    async def handle(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP or scope["method"] != "HEAD":
            await app(scope, receive, send)
            return

        async def without_body(message: Message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        # A copy: the server keeps reading the original scope, where the method is still HEAD.
        await app(cast(Scope, {**scope, "method": "GET", HEAD_ONLY: True}), receive, without_body)

    return handle
