"""Input an endpoint does not declare is refused, not ignored.

A ``before_request`` hook for every route: a NUL character (``%00``) in the path or in a query
parameter is a 400 (no id, date or text of the service holds one, and PostgreSQL's text
refuses it); a query parameter the handler does not take is a 400 naming it; a JSON body is
decoded strictly into the handler's ``data`` type (``"0"`` is not a number, ``1.0`` not an
integer), so a body of the wrong shape is a 422, while one that is not JSON, or nests deeper
than ``MAX_DEPTH``, is a 400.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import msgspec
from litestar import Request, Response
from litestar.enums import ParamType
from litestar.exceptions import NotFoundException, SerializationException
from litestar.handlers import HTTPRouteHandler
from litestar.params import BodyKwarg, DependencyKwarg, ParameterKwarg, PathParameter

from events.patterns import in_words
from service.http.problems import Problem, problem

MAX_DEPTH = 64
"""Arrays and objects within each other; facts nest a handful deep."""


async def refuse_undeclared_input(request: Request[Any, Any, Any]) -> None:
    refuse_nul(request)
    handler = request.route_handler
    if not isinstance(handler, HTTPRouteHandler):
        return
    unknown = sorted(set(request.query_params) - _query_names(handler))
    if unknown:
        raise problem(
            400, "unknown-parameter",
            f"{request.method} {request.url.path} does not take {', '.join(unknown)}",
            parameters=unknown,
        )
    body_type = _body_type(handler)
    if body_type is not None:
        _check_body(await _json(request), body_type)


def refuse_nul(request: Request[Any, Any, Any]) -> None:
    if "\x00" in request.scope["path"]:
        raise _nul("the path")
    names = sorted({
        name for name, value in request.query_params.multi_items()
        if "\x00" in name or "\x00" in value
    })
    if names:
        raise _nul(f"query parameter {', '.join(map(repr, names))}")


def _nul(where: str) -> Problem:
    return problem(400, "nul-character", f"{where} holds a NUL character (%00), which no input may")


def not_found(request: Request[Any, Any, Any], error: NotFoundException) -> Response[Any]:
    """The router's 404 for a path that matches no route: no hook runs before it, so a NUL in
    such a path is told apart here."""
    if "\x00" in request.scope["path"]:
        return _nul("the path").to_response(request)
    return problem(404, "not-found", error.detail).to_response(request)


_PATH_PARAMETER = re.compile(r"{(\w+):")
_RESERVED = {"request", "socket", "scope", "state", "headers", "cookies", "query", "body", "data"}


@cache
def _query_names(handler: HTTPRouteHandler) -> frozenset[str]:
    """The query parameters of the handler's signature, of the dependencies it uses (theirs
    too) and of its layers (a router's ``parameters``), by the names clients send."""
    dependencies = handler.resolve_dependencies()
    skipped = set(dependencies) | _RESERVED
    skipped.update(name for path in handler.paths for name in _PATH_PARAMETER.findall(path))
    names = set()
    declared = {**handler.resolve_layered_parameters()}
    pending = [handler.parsed_fn_signature.parameters]
    while pending:
        parameters = pending.pop()
        declared.update(parameters)
        pending += [dependencies[name].parsed_fn_signature.parameters
                    for name in parameters if name in dependencies]
    for name, field in declared.items():
        kwarg = field.kwarg_definition
        if name in skipped or isinstance(kwarg, (PathParameter, BodyKwarg, DependencyKwarg)):
            continue
        if isinstance(kwarg, ParameterKwarg):
            if kwarg.param_type is ParamType.QUERY:  # a HeaderParameter's name is a header's
                names.add(kwarg.query or kwarg.name or name)
        else:
            names.add(name)
    return frozenset(names)


@cache
def _body_type(handler: HTTPRouteHandler) -> Any:
    data = handler.parsed_fn_signature.parameters.get("data")
    return data.annotation if data is not None else None


async def _json(request: Request[Any, Any, Any]) -> Any:
    # Litestar keeps the decoded body in the scope: the handler's parsing does not decode again.
    try:
        return await request.json()
    except (SerializationException, msgspec.DecodeError) as error:
        raise problem(400, "invalid-json", f"the body is not JSON: {error}") from None
    except RecursionError:
        raise _too_deep() from None


def _check_body(value: Any, body_type: Any) -> None:
    if _depth_over(value, MAX_DEPTH):
        raise _too_deep()
    try:
        msgspec.convert(value, body_type, strict=True)
    except msgspec.ValidationError as error:
        said = in_words(str(error))
        message, _, path = said.partition(" - at ")
        raise problem(
            422, "invalid-body", said,
            errors=[{"message": message, "key": path.strip("`").removeprefix("$.") or None}],
        ) from None


def _depth_over(value: Any, limit: int) -> bool:
    pending = [(value, 1)]
    while pending:
        node, depth = pending.pop()
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
        for child in children:
            if isinstance(child, (dict, list)):
                if depth + 1 > limit:
                    return True
                pending.append((child, depth + 1))
    return False


def _too_deep() -> Problem:
    return problem(400, "invalid-json", f"the body nests arrays and objects deeper than {MAX_DEPTH}")
