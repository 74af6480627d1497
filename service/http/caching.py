"""Cache-Control on answers; the ETag and 304 revalidation are ``etags.ETagMiddleware``'s.

Answers about the current state change with any append, so caches may keep them but must ask
again every time (``no-cache``): a revalidation with the ETag costs the client a 304 and no
body, and nobody sees an answer older than their last write. One event by id never changes,
but its JSON may with a deploy, so it is fresh for an hour, not for ever (``immutable``).
"""

from __future__ import annotations

from litestar.datastructures import CacheControlHeader

REVALIDATE = CacheControlHeader(no_cache=True)
ONE_EVENT = CacheControlHeader(max_age=3600)
