"""Every answer names its request in ``X-Request-ID``: the client's own id when it is a sane
token, otherwise a new one. Problem documents and the log of a failure carry it too."""

from __future__ import annotations

import re
import uuid

from litestar.datastructures import Headers, MutableScopeHeaders
from litestar.types import Message, Scope

HEADER = "X-Request-ID"
_SANE = re.compile(r"[A-Za-z0-9._:-]{1,128}")
_STATE_KEY = "request_id"


def request_id(scope: Scope) -> str:
    """This request's id, chosen once and kept in the scope's state."""
    state = scope.setdefault("state", {})
    chosen = state.get(_STATE_KEY)
    if chosen is None:
        offered = Headers.from_scope(scope).get(HEADER)
        chosen = offered if offered and _SANE.fullmatch(offered) else uuid.uuid4().hex
        state[_STATE_KEY] = chosen
    return chosen


async def send_request_id(message: Message, scope: Scope) -> None:
    """A ``before_send`` hook: it sees every answer, the router's 404 and 405 included."""
    if message["type"] == "http.response.start":
        MutableScopeHeaders.from_message(message)[HEADER] = request_id(scope)
