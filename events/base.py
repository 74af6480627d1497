"""The base of every event: config, shared field types, references and errors."""

from __future__ import annotations

import re
from typing import Annotated, Any, ClassVar, Literal, NamedTuple

import msgspec

from events.patterns import pattern

# Python's `$` also matches before a final "\n"; the lookahead makes the vocabulary's patterns
# match whole strings only (and stays valid ECMA regex for JSON Schema).
ID_PATTERN = pattern(
    r"^[a-z0-9][a-z0-9-]{0,62}(?!\n)$",
    "an id of lower-case letters, digits and hyphens, starting with a letter or digit, "
    "at most 63 characters, e.g. `pipc`",
)

Id = Annotated[str, msgspec.Meta(pattern=ID_PATTERN)]
"""An entity id such as `mss` or `pipc-ai-startup-roundtable`: lower-case, digits, hyphens."""

Slug = Annotated[str, msgspec.Meta(pattern=ID_PATTERN)]
"""A topic label such as `ai-talent`: the form of an id."""

Text = Annotated[str, msgspec.Meta(min_length=1)]
"""Non-empty text; Event.__post_init__ also rejects blank strings and NUL characters."""

RefKind = Literal["source", "agency", "organization", "person", "meeting", "initiative", "statement", "event"]


class EventError(ValueError):
    """Base of the errors that decoding an event raises."""


class UnknownEventType(EventError):
    def __init__(self, type_name: str) -> None:
        super().__init__(f"unknown event type {type_name!r}")
        self.type_name = type_name


class InvalidEvent(EventError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Reference(NamedTuple):
    """An id that a fact points at: `Reference("person", "oh-young-ju")`, `Reference("event", "<uuid>")`."""

    kind: RefKind
    id: str

    @property
    def stream_id(self) -> str | None:
        """The stream of the referenced entity; None for an event reference."""
        return None if self.kind == "event" else f"{self.kind}-{self.id}"


class Value(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Config shared by every struct of the vocabulary (events and the values inside them).

    frozen and forbid_unknown_fields are inherited; kw_only is not, so every subclass repeats it.
    """


class Event(Value, kw_only=True):
    """A fact. Subclasses set TYPE (the stable tag) and, for entity streams, STREAM and KEY."""

    TYPE: ClassVar[str] = ""
    STREAM: ClassVar[str | None] = None  # stream prefix, e.g. "agency"
    KEY: ClassVar[str | None] = None  # the field holding the entity id, e.g. "agency_id"
    VERSION: ClassVar[int] = 1
    """The schema version appended now; older stored versions are upcast (events/upcasting.py)."""
    ADDED: ClassVar[tuple[str, ...]] = ()
    """Optional fields added after events of this type were first stored. Encoding leaves them
    out while they are None, so such an event encodes to the bytes it had before they existed
    (a retried append, a second seed, stay recognised as the same content)."""

    def __post_init__(self) -> None:
        if _may_hold_blank_or_nul(self):
            _check_strings(self, "$")
        self._check()

    def _check(self) -> None:
        """Cross-field rules; raise ValueError(message) naming the path."""

    @property
    def type_name(self) -> str:
        return self.TYPE

    def stream_id(self) -> str | None:
        """The entity stream this fact belongs to; None where the service decides (corrections)."""
        if self.STREAM is None or self.KEY is None:
            return None
        return f"{self.STREAM}-{getattr(self, self.KEY)}"

    def references(self) -> list[Reference]:
        """Every id this fact points at (never its own entity), in a stable order, without repeats."""
        refs = [*self._links()]
        refs += [Reference("source", e.source_id) for e in getattr(self, "evidence", ())]
        return list(dict.fromkeys(refs))

    def _links(self) -> list[Reference]:
        return []


def at(path: str, message: str) -> ValueError:
    """An error in msgspec's own format, for checks that msgspec cannot locate by itself."""
    return ValueError(f"{message} - at `{path}`")


_encode = msgspec.json.Encoder().encode

# The bytes that whitespace (what ``str.strip`` removes) is made of when msgspec writes it in
# JSON: raw UTF-8, or escapes for control characters. A JSON string of these bytes only might be
# blank; any other string is not.
_WHITESPACE_BYTES = bytes(
    sorted({byte for code in range(0x110000) if chr(code).isspace() for byte in _encode(chr(code))[1:-1]})
)
_MAYBE_BLANK = re.compile(b'"[' + re.escape(_WHITESPACE_BYTES) + b']*"')


def _may_hold_blank_or_nul(event: Event) -> bool:
    """A quick look at the event as JSON, in C: whether some string might be blank or hold NUL
    (or an escaped quote sits by such bytes). ``_check_strings`` alone decides, and names the
    path; this only spares it the events that cannot fail (most of them)."""
    encoded = _encode(event)
    return b"\\u0000" in encoded or _MAYBE_BLANK.search(encoded) is not None


def _check_strings(value: Any, path: str) -> None:
    """Reject blank strings and NUL characters anywhere in an event (PostgreSQL text refuses NUL)."""
    if isinstance(value, str):
        if "\x00" in value:
            raise at(path, "NUL character (\\u0000) is not allowed")
        if not value.strip():
            raise at(path, "blank string is not allowed")
    elif isinstance(value, msgspec.Struct):
        for name in value.__struct_fields__:
            _check_strings(getattr(value, name), f"{path}.{name}")
    elif isinstance(value, (tuple, list)):
        for i, item in enumerate(value):
            _check_strings(item, f"{path}[{i}]")
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_strings(key, path)
            _check_strings(item, f"{path}.{key}")
