"""The vocabulary of Policy Timeline: the closed set of event types and their codec. No I/O.

Events are stored as (type, data): the tag lives beside the JSON, never inside it, so
`encode_event_data` writes the fields only and `decode_event` takes the tag separately.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

import msgspec

from events.actors import (
    ActorRef,
    Affiliation,
    AgencyRegistered,
    OrganizationRegistered,
    PersonRegistered,
)
from events.base import TRUSTED, Event, EventError, InvalidEvent, Reference, UnknownEventType
from events.corrections import FactCorrected, FactRetracted, apply_changes, corrected_data
from events.dates import PRECISION_RANK, Occurred, Precision, date_range
from events.evidence import Evidence, in_context, locate, occurrences, quote_in_text, sha256_text
from events.initiatives import InitiativeAnnounced, InitiativeStatusChanged
from events.meetings import Count, MeetingHeld, Place
from events.patterns import in_words
from events.sources import SourceRegistered
from events.statements import Speaker, StatementMade
from events.upcasting import upcast
from events.urls import WebUrl, web_url, web_urls_only

CREATING_TYPES = frozenset({
    "source.registered", "agency.registered", "organization.registered", "person.registered",
    "initiative.announced", "meeting.held", "statement.made",
})
"""The facts that bring an entity into being: each is the first event of its stream."""

AMENDING_TYPES = frozenset({"fact.corrected", "fact.retracted"})
"""The events that amend an earlier fact, in that fact's stream."""

EVENT_TYPES: dict[str, type[Event]] = {
    cls.TYPE: cls
    for cls in (
        SourceRegistered,
        AgencyRegistered,
        OrganizationRegistered,
        PersonRegistered,
        InitiativeAnnounced,
        InitiativeStatusChanged,
        MeetingHeld,
        StatementMade,
        FactCorrected,
        FactRetracted,
    )
}

_decoder = functools.cache(msgspec.json.Decoder)
"""One decoder per event type, made when the type is first decoded."""
_ENCODER = msgspec.json.Encoder(order="deterministic")
_IN_ORDER = msgspec.json.Encoder()
_OBJECT = msgspec.json.Decoder(dict[str, Any])


def _event_type(type_name: str) -> type[Event]:
    try:
        return EVENT_TYPES[type_name]
    except (KeyError, TypeError):
        raise UnknownEventType(type_name) from None


def decode_event(type_name: str, data: bytes | str) -> Event:
    """The event of type `type_name` whose JSON fields are `data`.

    Raises UnknownEventType for a tag outside EVENT_TYPES and InvalidEvent for anything else,
    with msgspec's message naming the path, e.g. "Expected `str`, got `int` - at `$.title`"
    (a pattern said as its rule: "Expected a date like 2025-03-24, 2025-03 or 2025 - at ...").
    """
    cls = _event_type(type_name)
    try:
        return _decoder(cls).decode(data)
    except msgspec.ValidationError as error:
        raise InvalidEvent(in_words(str(error))) from error
    except msgspec.DecodeError as error:
        raise InvalidEvent(f"malformed JSON: {error}") from error


def convert_event(type_name: str, data: Mapping[str, Any]) -> Event:
    """Like decode_event, for data already parsed into Python objects (dicts, lists, str)."""
    cls = _event_type(type_name)
    try:
        return msgspec.convert(data, cls)
    except msgspec.ValidationError as error:
        raise InvalidEvent(in_words(str(error))) from error


def current_version(type_name: str) -> int:
    """The schema version that events of this type are appended at."""
    return _event_type(type_name).VERSION


def current_data(type_name: str, schema_version: int, data: Any) -> Any:
    """Stored JSON (bytes, str or msgspec.Raw) in the current shape of its type: the same object
    when it was stored at the current version (or its type is unknown), else upcast JSON bytes.
    A ``url`` stored before every url was a web address (``events.urls``) reads as null."""
    cls = EVENT_TYPES.get(type_name)
    if cls is None:
        return data
    try:
        if schema_version == cls.VERSION:
            return web_urls_only(data)
        parsed = _OBJECT.decode(data)
    except msgspec.DecodeError as error:
        raise InvalidEvent(f"malformed JSON: {error}") from error
    return web_urls_only(_ENCODER.encode(upcast(type_name, schema_version, cls.VERSION, parsed)))


def decode_stored(type_name: str, schema_version: int, data: Any) -> Event:
    """A stored event, upcast to the current shape and decoded: every read of the log uses this."""
    return decode_event(type_name, current_data(type_name, schema_version, data))


def decode_trusted(type_name: str, data: bytes | str) -> Event:
    """Like ``decode_event``, for JSON of the log (a fact as stored, or as corrected): its
    types and constraints are decoded as ever, but the checks of ``__post_init__`` are not run
    again (``events.base.TRUSTED``). Every event passed them when it was appended, and a
    correction was checked as the fact it produces; the projections read each event at least
    once, and those checks (a second JSON encoding of the event among them) cost more than the
    decoding itself. The append path keeps ``decode_event`` and ``convert_event``."""
    token = TRUSTED.set(True)
    try:
        return decode_event(type_name, data)
    finally:
        TRUSTED.reset(token)


def decode_stored_trusted(type_name: str, schema_version: int, data: Any) -> Event:
    """A stored event, upcast to the current shape and decoded without the checks it passed at
    append (``decode_trusted``): how the projections read the log."""
    return decode_trusted(type_name, current_data(type_name, schema_version, data))


def encode_event_data(event: Event) -> bytes:
    """The event's fields as canonical JSON, without its tag: `decode_event(event.TYPE, ...)` reads it."""
    if any(getattr(event, name) is None for name in event.ADDED):
        # Builtins in field order with sorted dictionaries; the encoder keeps that order.
        fields = msgspec.to_builtins(event, order="deterministic")
        for name in event.ADDED:
            if fields[name] is None:
                del fields[name]
        return _IN_ORDER.encode(fields)
    return _ENCODER.encode(event)


__all__ = [
    "AMENDING_TYPES",
    "CREATING_TYPES",
    "EVENT_TYPES",
    "PRECISION_RANK",
    "ActorRef",
    "Affiliation",
    "AgencyRegistered",
    "Count",
    "Event",
    "EventError",
    "Evidence",
    "FactCorrected",
    "FactRetracted",
    "InitiativeAnnounced",
    "InitiativeStatusChanged",
    "InvalidEvent",
    "MeetingHeld",
    "Occurred",
    "OrganizationRegistered",
    "PersonRegistered",
    "Place",
    "Precision",
    "Reference",
    "SourceRegistered",
    "Speaker",
    "StatementMade",
    "UnknownEventType",
    "WebUrl",
    "apply_changes",
    "convert_event",
    "corrected_data",
    "current_data",
    "current_version",
    "date_range",
    "decode_event",
    "decode_stored",
    "decode_stored_trusted",
    "decode_trusted",
    "encode_event_data",
    "in_context",
    "locate",
    "occurrences",
    "quote_in_text",
    "sha256_text",
    "web_url",
]
