"""What the write side is asked to do: append these events to this stream, on behalf of someone."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

import msgspec

from service.store import ExpectedVersion

APPENDED_BY = "appended_by"
SERVER_METADATA = frozenset({APPENDED_BY})
"""Metadata keys that only the service sets."""

METADATA_KEY = re.compile(r"[a-z][a-z0-9_]{0,62}")
"""What a key of a client's metadata looks like (at the top level; nested objects are data)."""


class ProposedEvent(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    type: str
    data: dict[str, Any]
    metadata: dict[str, Any] = {}


class AppendCommand(msgspec.Struct, frozen=True, kw_only=True):
    stream_id: str
    expected_version: ExpectedVersion
    events: Sequence[ProposedEvent]
    appended_by: str
    """Who appends: a token's name, or the command that appends (``seed``, ``import``).
    Stored in each event's metadata as ``appended_by``."""


def stored_metadata(metadata: Mapping[str, Any], appended_by: str) -> dict[str, Any]:
    """An event's metadata as stored: the client's, stamped with who appended it."""
    return {**metadata, APPENDED_BY: appended_by}
