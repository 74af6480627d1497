"""Every error answer is an RFC 9457 problem document, built by Litestar's plugin."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from litestar.exceptions import HTTPException
from litestar.plugins.problem_details import (
    ProblemDetailsConfig,
    ProblemDetailsException,
    ProblemDetailsPlugin,
)

from service.store import (
    EventIdConflict,
    InvalidAppend,
    InvalidCursor,
    WrongExpectedVersion,
)
from service.validation import BadFact


def problem(
    status: int, slug: str, detail: str, **extra: Any
) -> ProblemDetailsException:
    """A problem whose ``type`` is ``/problems/<slug>``, documented in docs/api.md."""
    return ProblemDetailsException(
        status_code=status,
        type_=f"/problems/{slug}",
        title=HTTPStatus(status).phrase,
        detail=detail,
        extra=extra or None,
    )


def _from_http_exception(error: HTTPException) -> ProblemDetailsException:
    extra: dict[str, Any] = {}
    if isinstance(error.extra, list) and error.extra:
        extra["errors"] = error.extra
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
    response.headers = error.headers
    return response


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


def _invalid_cursor(error: InvalidCursor) -> ProblemDetailsException:
    return problem(400, "invalid-cursor", str(error))


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
                InvalidCursor: _invalid_cursor,
                BadFact: _bad_fact,
            }
        )
    )
