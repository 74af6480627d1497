"""Who is asking: what a public answer may show depends on it."""

from __future__ import annotations

import inspect
from typing import Any

from litestar import Request
from litestar.exceptions import HTTPException

from service.http.auth import requires_admin


async def presents_admin_token(request: Request[Any, Any, Any]) -> bool:
    """Whether the request carries a bearer token that the admin guard accepts (an anonymous
    caller never counts, even where no admin token is configured)."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return False
    try:
        checked = requires_admin(request, request.route_handler)
        if inspect.isawaitable(checked):  # a guard that looks tokens up in the database
            await checked
    except HTTPException:
        return False
    return True
