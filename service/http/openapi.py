"""What the OpenAPI document says beyond the handlers' types: the problems each operation can
answer, the bearer scheme, and ``additionalProperties: false`` where a body forbids unknown
fields."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from litestar._openapi.schema_generation.schema import SchemaCreator

from collections.abc import Sequence
from http import HTTPStatus

import msgspec

# Litestar's own schema plugin for Structs; this one only adds what it leaves out.
from litestar._openapi.schema_generation.plugins import StructSchemaPlugin  # type: ignore[attr-defined]  # not in its __all__
from litestar.openapi import OpenAPIConfig, ResponseSpec
from litestar.openapi.plugins import OpenAPIRenderPlugin
from litestar.openapi.spec import Components, Schema, SecurityScheme
from litestar.typing import FieldDefinition

from service.http.schema_viewer import SCHEMA_PATH

BEARER: list[dict[str, list[str]]] = [{"bearerAuth": []}]
"""``security=`` of the operations that need a token (writes, admin actions)."""


class ProblemDocument(msgspec.Struct, kw_only=True):
    """An RFC 9457 problem (``application/problem+json``); some types add members, e.g.
    ``current_version``, ``errors`` or ``parameters``."""

    type: str
    """``/problems/<slug>``, listed in docs/api.md."""
    title: str
    status: int
    detail: str
    request_id: str
    """The same as the ``X-Request-ID`` header."""


WHY = {
    400: "Bad request: a query parameter the operation does not take, or a malformed one",
    401: "No bearer token",
    403: "The bearer token does not allow this",
    404: "Not found",
    409: "Conflict",
    413: "Body or batch too large",
    422: "Out of range, or a body of the wrong shape or a bad fact",
    500: "The service failed (logged with the request id)",
    503: "The database is unreachable, timed out or out of connections; with Retry-After",
}


def answers(*statuses: int, read: bool = True, database: bool = True) -> dict[int, ResponseSpec]:
    """``responses=`` of an operation: the problems it can answer, besides 400 and 500 (and
    503 when it uses the database; 304 for reads, whose ETags it matches)."""
    codes = {400, 500, *statuses} | ({503} if database else set())
    if not read:
        codes.add(429)  # every write passes the write rate limit (``rate_limit.py``)
    documented: dict[int, ResponseSpec] = {
        code: ResponseSpec(
            ProblemDocument,
            description=WHY.get(code, HTTPStatus(code).phrase),
            media_type="application/problem+json",
            generate_examples=False,
        )
        for code in sorted(codes)
    }
    if read:
        documented[304] = ResponseSpec(None, description="Not Modified (If-None-Match)")
    return documented


class StrictStructSchemaPlugin(StructSchemaPlugin):
    def is_plugin_supported_field(self, field_definition: FieldDefinition) -> bool:
        return super().is_plugin_supported_field(field_definition) and bool(
            field_definition.type_.__struct_config__.forbid_unknown_fields
        )

    def to_openapi_schema(
        self, field_definition: FieldDefinition, schema_creator: SchemaCreator
    ) -> Schema:
        schema = super().to_openapi_schema(field_definition, schema_creator)
        schema.additional_properties = False
        _keep_integer_bounds_in_unions(field_definition.type_, schema)
        return schema


def _keep_integer_bounds_in_unions(struct: type, schema: Schema) -> None:
    """Litestar drops an ``Annotated[int, Meta(ge=, le=)]``'s bounds inside a union
    (``expected_version``); msgspec's own view of the type still has them."""
    info = msgspec.inspect.type_info(struct)
    for field in info.fields:  # type: ignore[attr-defined]
        if not isinstance(field.type, msgspec.inspect.UnionType):
            continue
        bounded = [t for t in field.type.types if isinstance(t, msgspec.inspect.IntType)]
        prop = (schema.properties or {}).get(field.encode_name)
        for branch in getattr(prop, "one_of", None) or ():
            if bounded and getattr(branch, "type", None) == "integer":
                branch.minimum, branch.maximum = bounded[0].ge, bounded[0].le


def openapi_config(version: str, render_plugins: Sequence[OpenAPIRenderPlugin] = ()) -> OpenAPIConfig:
    return OpenAPIConfig(
        title="Policy Timeline",
        version=version,
        description="What governments do and say about AI policy, fact by fact, with evidence.",
        path=SCHEMA_PATH,
        render_plugins=list(render_plugins),
        components=Components(
            security_schemes={
                "bearerAuth": SecurityScheme(
                    type="http", scheme="bearer",
                    description="a token with the `append` or `admin` scope",
                )
            }
        ),
    )
