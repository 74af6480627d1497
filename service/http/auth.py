"""Bearer tokens with scopes, checked against the database: ``append`` for writes, ``admin``
for everything. There is no open mode: a write without a valid token is refused."""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from service.http import tokens
from service.http.problems import problem
from service.http.tokens import Caller, Scope


def presented_token(connection: ASGIConnection[Any, Any, Any, Any]) -> str | None:
    scheme, _, token = connection.headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


async def caller(connection: ASGIConnection[Any, Any, Any, Any]) -> Caller | None:
    """The valid token's holder, looked up once per request."""
    if "caller" not in connection.state:
        token = presented_token(connection)
        found = None
        if token is not None:
            found = await tokens.caller_of(connection.app.state.pool, token)
        connection.state["caller"] = found
    return connection.state["caller"]


async def requires_append(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    await _require(connection, "append")


async def requires_admin(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    await _require(connection, "admin")


async def is_admin(connection: ASGIConnection[Any, Any, Any, Any]) -> bool:
    found = await caller(connection)
    return found is not None and found.may("admin")


async def _require(connection: ASGIConnection[Any, Any, Any, Any], scope: Scope) -> None:
    found = await caller(connection)
    make_one = (
        f"`policy-timeline token create --name NAME --scope {scope}` makes one (send it as "
        "`Authorization: Bearer TOKEN`)"
    )
    if found is None:
        detail = (
            "this action needs a bearer token"
            if presented_token(connection) is None
            else "the bearer token is not valid (unknown or revoked)"
        )
        raise problem(
            401, "unauthorized", f"{detail}: {make_one}",
            headers={"WWW-Authenticate": 'Bearer realm="policy-timeline"'},
        )
    if not found.may(scope):
        raise problem(
            403, "forbidden", f"the token {found.name!r} does not have the {scope!r} scope: {make_one}"
        )


def requires_json_body(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Only ``application/json`` bodies: a ``text/plain`` POST needs no CORS preflight, so a
    web page could otherwise make a visitor's browser post to a local server."""
    media_type = connection.headers.get("content-type", "").partition(";")[0].strip().lower()
    if media_type != "application/json":
        raise problem(
            415, "unsupported-media-type",
            f"the body must be application/json, not {media_type or 'unlabelled'}",
        )
