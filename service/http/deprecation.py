"""Names kept for one release beside their replacements, and the headers that say so.

``after``/``next`` (the feed), ``from_version``/``next_version`` (a stream) and an event's
``id`` gave way to ``cursor``/``next_cursor`` and ``event_id`` (docs/api.md, "Deprecations").
Every response of an endpoint whose answer still carries an old name says it is deprecated
as RFC 9745 does: ``Deprecation`` with the date it was deprecated (a structured-field date,
``@`` and Unix seconds), and a ``Link`` with ``rel="deprecation"`` to the documentation.
"""

from __future__ import annotations

from datetime import UTC, datetime

from litestar.datastructures import ResponseHeader

DEPRECATED_ON = datetime(2026, 11, 29, tzinfo=UTC)
DOCUMENTATION = "/schema"
"""The OpenAPI description, which marks each old name deprecated (docs/api.md says more)."""

DEPRECATION_HEADERS = [
    ResponseHeader(
        name="Deprecation",
        value=f"@{int(DEPRECATED_ON.timestamp())}",
        description="RFC 9745: some names in this answer or its parameters are deprecated",
    ),
    ResponseHeader(
        name="Link",
        value=f'<{DOCUMENTATION}>; rel="deprecation"; type="text/html"',
        description="where the deprecation is described",
    ),
]
