"""fact.corrected and fact.retracted: the log is never edited, a later event amends an earlier one."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, ClassVar

import msgspec

from events.base import Event, EventId, InvalidEvent, Text
from events.evidence import EvidenceList
from events.patterns import in_words, pattern

FieldName = Annotated[str, msgspec.Meta(pattern=pattern(
    r"^[a-z][a-z0-9_]{0,62}(?!\n)$",
    "a field name of lower-case letters, digits and underscores, starting with a letter, "
    "e.g. `occurred`",
))]

# Corrections have no stream of their own: the service appends them to the target event's stream.


class FactCorrected(Event, frozen=True, kw_only=True):
    """`changes` replaces whole top-level fields of the target: `{"occurred": {...}}`."""

    TYPE: ClassVar[str] = "fact.corrected"

    target: EventId
    changes: Annotated[dict[FieldName, Any], msgspec.Meta(min_length=1)]
    reason: Text
    evidence: EvidenceList


class FactRetracted(Event, frozen=True, kw_only=True):
    """The target is withdrawn: it stays in the log and shows as retracted."""

    TYPE: ClassVar[str] = "fact.retracted"

    target: EventId
    reason: Text
    evidence: EvidenceList


def corrected_data(data: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """A fact's data as a correction leaves it: each change replaces a whole top-level field.
    The one rule of applying a correction, for the write side's checks (``apply_changes``) and
    for the read models (``FactView.amend``, on the stored JSON)."""
    return {**data, **changes}


def apply_changes(target: Event, changes: dict[str, Any]) -> Event:
    """The target as corrected: validated like a new event of its type, and still in its stream.

    Raises InvalidEvent when the changes name unknown fields, give invalid values, or would move
    the fact to another entity.
    """
    data = corrected_data(msgspec.to_builtins(target), changes)
    try:
        corrected = msgspec.convert(data, type(target))
    except msgspec.ValidationError as error:
        raise InvalidEvent(f"{in_words(str(error))} (in changes to {target.TYPE})") from error
    if corrected.stream_id() != target.stream_id():
        moved = f"{target.stream_id()} -> {corrected.stream_id()}"
        raise InvalidEvent(f"changes may not move the fact to another stream ({moved})")
    return corrected
