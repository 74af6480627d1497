"""Static files (the page's, Swagger UI's) through Litestar's router, with its failures answered
as a 404 problem that names the requested path only, never the folder the files are in."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from litestar import Request, Response, Router
from litestar.exceptions import InternalServerException, NotFoundException
from litestar.static_files import create_static_files_router

from service.http.problems import internal_error, problem


def static_files(path: str, directory: Path, name: str, **options: Any) -> Router:
    return create_static_files_router(
        path=path,
        directories=[directory],
        name=name,
        exception_handlers={NotFoundException: _no_file, InternalServerException: _no_file},
        **options,
    )


def _no_file(request: Request[Any, Any, Any], error: Exception) -> Response[Any]:
    # Litestar's 404 names the folder; a path that goes on below a file (page.css/x) fails
    # to stat with NotADirectoryError, which it answers as a 500.
    if isinstance(error, InternalServerException) and not isinstance(
        error.__cause__, NotADirectoryError
    ):
        return internal_error(request, error)
    return problem(404, "not-found", f"no file at {request.url.path}").to_response(request)
