"""Registering a text file as a source (``policy-timeline source add``), through the checks."""

from __future__ import annotations

import shlex
import uuid
from pathlib import Path
from typing import Any

import events
from service.writing.command import AppendCommand, ProposedEvent

CLI_APPENDER = "cli"
"""``appended_by`` of what the command line appends."""

_SOURCE_IDS = uuid.UUID("5b0d6c2e-2f57-4d0b-9a51-6f2c9f0a1e11")

OPTIONS = {
    "source_id": "--id", "title": "--title", "publisher": "--publisher",
    "published": "--published", "url": "--url", "language": "--language", "kind": "--kind",
}
"""The option of ``source add`` that gives each field of ``source.registered``."""


class BadOption(ValueError):
    """An option whose value the source cannot take: ``--published 16.04.2025: expected a date
    like 2025-03-24, 2025-03 or 2025``."""

    def __init__(self, option: str, value: str, problem: str) -> None:
        super().__init__(f"{option} {shlex.quote(value)}: {problem}")


def read_text(path: Path) -> str:
    """The file's text exactly: UTF-8, byte for byte (no newline translation), or ValueError."""
    try:
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as error:
        raise ValueError(f"{path} is not UTF-8 text ({error.reason} at byte {error.start})") from None


def source_command(
    text: str, *, source_id: str, title: str, publisher: str | None, published: str | None,
    url: str | None, language: str, kind: str | None = None,
) -> AppendCommand:
    """The registration of ``text``, or BadOption naming the option whose value is refused.
    Its event id follows from the id and the text's sha256, so running the same command again
    is answered as a retry, not a second source."""
    sha256 = events.sha256_text(text)
    data = {
        "source_id": source_id, "title": title, "publisher": publisher, "url": url,
        "language": language, "published": {"date": published} if published else None,
        "text": text, "sha256": sha256,
    }
    if kind is not None:
        data["kind"] = kind
    _check_options(data)
    event = ProposedEvent(
        id=uuid.uuid5(_SOURCE_IDS, f"{source_id}\n{sha256}"), type="source.registered", data=data
    )
    return AppendCommand(
        stream_id=f"source-{source_id}", expected_version="no_stream", events=[event],
        appended_by=CLI_APPENDER,
    )


def _check_options(data: dict[str, Any]) -> None:
    """The checks of the fact itself, said of the option that gave the refused field (the
    append checks it all again, with the store: references, a second registration)."""
    try:
        events.convert_event("source.registered", data)
    except events.InvalidEvent as error:
        message, _, path = error.message.partition(" - at ")
        field = path.strip("`").removeprefix("$.").split(".")[0]
        if message.startswith("Expected "):
            message = "expected " + message.removeprefix("Expected ")
        if field == "text":
            raise ValueError(f"the file's text: {message}") from None
        if field not in OPTIONS:
            raise
        given = data[field]["date"] if field == "published" else data[field]
        raise BadOption(OPTIONS[field], given, message) from None
