"""What an endpoint takes is what the OpenAPI document says it takes: the query parameters of a
handler, of the dependencies it uses (``list_query``, a list's ``filters``, the reading routes'
``pool`` with ``min_position``) and of its layers are the ones strict input accepts, and the
document names exactly these (service/http/read_params.py)."""

from __future__ import annotations

import re

from litestar.handlers import HTTPRouteHandler

from service.app import create_app
from service.http.strict_input import _query_names
from service.settings import load_settings

NO_DATABASE = "postgresql://nobody@127.0.0.1:1/none"  # never connected to: no lifespan runs


def documented_and_accepted() -> list[tuple[str, str, set[str], frozenset[str]]]:
    app = create_app(load_settings(), NO_DATABASE)
    document = app.openapi_schema.to_schema()
    found = []
    for route in app.routes:
        for handler in getattr(route, "route_handlers", ()):
            if not isinstance(handler, HTTPRouteHandler) or not handler.resolve_include_in_schema():
                continue
            path = re.sub(r"{(\w+):\w+}", r"{\1}", route.path)
            for method in sorted(handler.http_methods - {"HEAD", "OPTIONS"}):
                operation = document["paths"][path][method.lower()]
                names = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
                found.append((method, path, names, _query_names(handler)))
    return found


def test_every_operation_documents_the_query_parameters_it_accepts_and_no_other():
    operations = documented_and_accepted()
    assert len(operations) > 20
    for method, path, documented, accepted in operations:
        assert documented == accepted, f"{method} {path}"


def test_the_lists_take_their_page_time_and_filters_through_their_dependencies():
    taken = {(method, path): accepted for method, path, _, accepted in documented_and_accepted()}
    page = {"limit", "cursor", "as_of", "min_position"}
    assert taken[("GET", "/people")] == page
    assert taken[("GET", "/meetings")] == page | {"q"}
    assert taken[("GET", "/statements")] == page | {
        "agency", "role", "speaker", "meeting", "kind", "q"
    }
    assert taken[("GET", "/agencies/{agency_id}/timeline")] == page | {
        "from", "to", "type", "role", "q", "format"
    }
    assert taken[("GET", "/agencies/{agency_id}")] == {"as_of", "min_position"}
    assert taken[("GET", "/events")] == {"limit", "cursor", "type"}
