"""Bearer tokens with scopes: ``append`` for writes, ``admin`` for everything."""

from __future__ import annotations

import hmac

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from service.http.problems import problem
from service.settings import Settings


def _token(connection: ASGIConnection) -> str | None:
    header = connection.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def _allowed(presented: str | None, *expected: str | None) -> bool:
    configured = [token for token in expected if token]
    if not configured:
        return True  # no token configured for this scope: open (development default)
    return presented is not None and any(
        hmac.compare_digest(presented.encode(), token.encode()) for token in configured
    )


def _settings(connection: ASGIConnection) -> Settings:
    return connection.app.state.settings


def requires_append(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    settings = _settings(connection)
    if not _allowed(_token(connection), settings.append_token, settings.admin_token):
        raise _refused(connection)


def requires_admin(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    settings = _settings(connection)
    # With only an append token configured, admin actions need that token too.
    if not _allowed(_token(connection), settings.admin_token or settings.append_token):
        raise _refused(connection)


def _refused(connection: ASGIConnection):
    if _token(connection) is None:
        error = problem(401, "unauthorized", "this action needs a bearer token")
        error.headers = {"WWW-Authenticate": 'Bearer realm="policy-timeline"'}
        return error
    return problem(403, "forbidden", "the bearer token does not allow this action")
