"""Every error answer is an RFC 9457 problem document, built by Litestar's plugin."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

import asyncpg
from litestar import Request, Response
from litestar.exceptions import HTTPException, InternalServerException
from litestar.plugins.problem_details import (
    ProblemDetailsConfig,
    ProblemDetailsException,
    ProblemDetailsPlugin,
)
from litestar.types import ExceptionHandlersMap

from events.patterns import in_words
from service.http.request_ids import request_id
from service.store import (
    EventIdConflict,
    InvalidAppend,
    WrongExpectedVersion,
)
from service.writing import BadFact

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
"""What a 503 asks clients to wait before trying again."""


class Problem(ProblemDetailsException):
    """A problem document that carries its request's id."""

    def to_response(self, request: Request[Any, Any, Any]) -> Response[dict[str, Any]]:
        response = super().to_response(request)
        response.content["request_id"] = request_id(request.scope)
        return response


def problem(
    status: int, slug: str, detail: str, *, headers: dict[str, str] | None = None, **extra: Any
) -> Problem:
    """A problem whose ``type`` is ``/problems/<slug>``, documented in docs/api.md."""
    return Problem(
        status_code=status,
        type_=f"/problems/{slug}",
        title=HTTPStatus(status).phrase,
        detail=detail,
        headers=headers,
        extra=extra or None,
    )


def unavailable(slug: str, detail: str, **extra: Any) -> ProblemDetailsException:
    """A 503 with ``Retry-After``."""
    return problem(503, slug, detail, headers={"Retry-After": str(RETRY_AFTER_SECONDS)}, **extra)


# The error itself is logged, not shown: connection errors name the server's host and port.
def _database_timeout(error: Exception) -> ProblemDetailsException:
    log.warning("database timeout: %r", error)
    return unavailable("database-timeout", "the database did not answer in time; try again later")


def _database_unavailable(error: Exception) -> ProblemDetailsException:
    log.warning("database unavailable: %r", error)
    return unavailable("database-unavailable", "the database cannot be reached; try again later")


def internal_error(request: Request[Any, Any, Any], error: Exception) -> Response[Any]:
    """Any error nothing else answers: logged with its traceback, shown as a bare 500."""
    log.error(
        "unhandled error answering %s %s (request %s)",
        request.method, request.url.path, request_id(request.scope), exc_info=error,
    )
    return problem(500, "internal-error", "the service failed to answer").to_response(request)


def _interface_error(request: Request[Any, Any, Any], error: asyncpg.InterfaceError) -> Response[Any]:
    """asyncpg's errors of use: a closed connection or pool is the database going away; the
    others are bugs."""
    if "closed" in str(error) or "closing" in str(error):
        return _database_unavailable(error).to_response(request)
    return internal_error(request, error)


def _from_http_exception(error: HTTPException) -> ProblemDetailsException:
    extra: dict[str, Any] = {}
    if isinstance(error.extra, list) and error.extra:
        extra["errors"] = [_said_in_words(item) for item in error.extra]
    elif isinstance(error.extra, dict):
        extra.update(error.extra)
    slug = {400: "bad-request", 401: "unauthorized", 403: "forbidden", 404: "not-found",
            405: "method-not-allowed", 413: "body-too-large", 429: "too-many-requests"}.get(
        error.status_code, "http-error"
    )
    detail = error.detail
    if error.status_code == 400 and extra.get("errors"):
        first = extra["errors"][0]
        if isinstance(first, dict) and first.get("message"):
            detail = f"{error.detail}: {first['message']}"
    response = problem(error.status_code, slug, detail, **extra)
    response.headers = dict(error.headers or {})
    allow = response.headers.pop("allow", None) or response.headers.pop("Allow", None)
    if allow is not None:  # HEAD is answered wherever GET is (service/http/head.py)
        methods = allow.split(", ")
        response.headers["Allow"] = ", ".join(methods + ["HEAD"] if "GET" in methods else methods)
    return response


def _said_in_words(item: Any) -> Any:
    """Litestar's account of an invalid parameter or body, a pattern said as its rule."""
    if isinstance(item, dict) and isinstance(item.get("message"), str):
        return {**item, "message": in_words(item["message"])}
    return item


def _wrong_version(error: WrongExpectedVersion) -> ProblemDetailsException:
    return problem(
        409,
        "wrong-expected-version",
        str(error),
        stream_id=error.stream_id,
        expected_version=error.expected,
        current_version=error.current_version,
    )


def _id_conflict(error: EventIdConflict) -> ProblemDetailsException:
    return problem(
        409, "event-id-conflict", str(error), event_ids=[str(i) for i in error.event_ids]
    )


def _invalid_append(error: InvalidAppend) -> ProblemDetailsException:
    return problem(422, "invalid-append", str(error))


def _bad_fact(error: BadFact) -> ProblemDetailsException:
    return problem(422, error.slug, error.detail, **error.extra)


def problem_details_plugin() -> ProblemDetailsPlugin:
    return ProblemDetailsPlugin(
        ProblemDetailsConfig(
            exception_to_problem_detail_map={
                HTTPException: _from_http_exception,
                WrongExpectedVersion: _wrong_version,
                EventIdConflict: _id_conflict,
                InvalidAppend: _invalid_append,
                BadFact: _bad_fact,
                # Litestar picks the handler of the closest class in the error's MRO.
                TimeoutError: _database_timeout,  # the pool's acquire timeout
                asyncpg.QueryCanceledError: _database_timeout,  # statement_timeout
                OSError: _database_unavailable,
                asyncpg.PostgresConnectionError: _database_unavailable,
                asyncpg.exceptions.OperatorInterventionError: _database_unavailable,
                asyncpg.TooManyConnectionsError: _database_unavailable,
                # A database or role that does not exist (yet): its name stays in the log.
                asyncpg.InvalidCatalogNameError: _database_unavailable,
                asyncpg.InvalidAuthorizationSpecificationError: _database_unavailable,
            }
        )
    )


def exception_handlers() -> ExceptionHandlersMap:
    """The handlers that need the request: they log its id."""
    return {
        Exception: internal_error,
        InternalServerException: internal_error,
        asyncpg.InterfaceError: _interface_error,
    }
