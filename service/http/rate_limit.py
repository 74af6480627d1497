"""A limit on writes per client address, with Litestar's rate-limit middleware.

Reads are not limited. Each process counts for itself (Litestar's memory store), so N API
workers let a client write N times as fast; behind a proxy the address is the proxy's unless
the server is told to trust its forwarded headers.
"""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.exceptions import TooManyRequestsException
from litestar.middleware.rate_limit import RateLimitConfig, RateLimitMiddleware
from litestar.types import Receive, Scope, Send

from service.settings import Settings

READS = frozenset({"GET", "HEAD", "OPTIONS"})


def _is_write(request: Request[Any, Any, Any]) -> bool:
    return request.method not in READS


class WriteRateLimitMiddleware(RateLimitMiddleware):
    """Litestar's middleware, its 429 also saying when to retry (``Retry-After``)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        except TooManyRequestsException as error:
            headers = dict(error.headers or {})
            reset = headers.get(self.config.rate_limit_reset_header_key, "1")
            headers["Retry-After"] = str(max(int(reset), 1))
            raise TooManyRequestsException(
                detail=f"more than {self.max_requests} writes per {self.unit} from this address",
                headers=headers,
            ) from None


def write_rate_limit(settings: Settings) -> RateLimitConfig | None:
    """None when ``POLICY_TIMELINE_WRITE_RATE_LIMIT`` is 0."""
    if not settings.write_rate_limit:
        return None
    return RateLimitConfig(
        rate_limit=(settings.write_rate_limit_window, settings.write_rate_limit),  # type: ignore[arg-type]
        check_throttle_handler=_is_write,
        middleware_class=WriteRateLimitMiddleware,
    )
