"""The seed: the article the service was created to track, and its facts as append-ready JSON Lines.

`article.ko.jsonl` is the source of truth (one event a line, in append order, references before
use); `build.py` is how it was written and checks that it still agrees.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import NamedTuple

import msgspec

SEED_DIR = Path(__file__).parent
ARTICLE_PATH = SEED_DIR / "article.ko.txt"
EVENTS_PATH = SEED_DIR / "article.ko.jsonl"

SOURCE_ID = "article-ai-startup-ecosystem-2025-03"
ARTICLE_TEXT: str = ARTICLE_PATH.read_bytes().decode("utf-8")  # bytes: no newline translation


class SeedEvent(NamedTuple):
    stream_id: str
    id: uuid.UUID
    type: str
    data: bytes  # the event's JSON fields, as decode_event(type, data) reads them
    metadata: bytes  # JSON object


class _Line(msgspec.Struct, forbid_unknown_fields=True):
    stream_id: str
    id: uuid.UUID
    type: str
    data: msgspec.Raw
    metadata: msgspec.Raw


_LINE = msgspec.json.Decoder(_Line)


def load_seed() -> list[SeedEvent]:
    """Every seed event in append order. Ids are uuid5 values, so appending twice is idempotent."""
    lines = EVENTS_PATH.read_bytes().splitlines()
    return [
        SeedEvent(line.stream_id, line.id, line.type, bytes(line.data), bytes(line.metadata))
        for line in map(_LINE.decode, filter(None, lines))
    ]
