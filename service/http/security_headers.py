"""What browsers may do with every answer: run only this service's own scripts and styles (none
inline, none from elsewhere), be framed by no site, never guess a media type, and send other
sites no referrer.

A ``before_send`` hook, like the request id's: it sees every answer, the router's 404 and 405,
static files, problems and 304s included (a layer's ``response_headers`` reach only the
answers of route handlers). Swagger UI at ``/schema`` draws its icons from ``data:`` images in
its stylesheet; those are its only allowance (service/http/schema_viewer.py runs its script
from a file, not inline).
"""

from __future__ import annotations

from litestar.datastructures import MutableScopeHeaders
from litestar.types import Message, Scope

from service.http.schema_viewer import ASSETS_PATH, SCHEMA_PATH

POLICY = (
    "default-src 'self'; base-uri 'none'; object-src 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
SCHEMA_POLICY = f"{POLICY}; img-src 'self' data:"
HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin"}


async def send_security_headers(message: Message, scope: Scope) -> None:
    if message["type"] != "http.response.start":
        return
    headers = MutableScopeHeaders.from_message(message)
    for name, value in HEADERS.items():
        headers[name] = value
    schema = scope["path"] == SCHEMA_PATH or scope["path"].startswith(
        (f"{SCHEMA_PATH}/", f"{ASSETS_PATH}/")
    )
    headers["Content-Security-Policy"] = SCHEMA_POLICY if schema else POLICY
