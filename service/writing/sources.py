"""Registering a text file as a source (``policy-timeline source add``), through the checks."""

from __future__ import annotations

import uuid
from pathlib import Path

import events
from service.writing.command import AppendCommand, ProposedEvent

CLI_APPENDER = "cli"
"""``appended_by`` of what the command line appends."""

_SOURCE_IDS = uuid.UUID("5b0d6c2e-2f57-4d0b-9a51-6f2c9f0a1e11")


def read_text(path: Path) -> str:
    """The file's text exactly: UTF-8, byte for byte (no newline translation), or ValueError."""
    try:
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as error:
        raise ValueError(f"{path} is not UTF-8 text ({error.reason} at byte {error.start})") from None


def source_command(
    text: str, *, source_id: str, title: str, publisher: str | None, published: str | None,
    url: str | None, language: str,
) -> AppendCommand:
    """The registration of ``text``. Its event id follows from the id and the text's sha256,
    so running the same command again is answered as a retry, not a second source."""
    sha256 = events.sha256_text(text)
    data = {
        "source_id": source_id, "title": title, "publisher": publisher, "url": url,
        "language": language, "published": {"date": published} if published else None,
        "text": text, "sha256": sha256,
    }
    event = ProposedEvent(
        id=uuid.uuid5(_SOURCE_IDS, f"{source_id}\n{sha256}"), type="source.registered", data=data
    )
    return AppendCommand(
        stream_id=f"source-{source_id}", expected_version="no_stream", events=[event],
        appended_by=CLI_APPENDER,
    )
