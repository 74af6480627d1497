"""The base of every event: config, shared field types, references and errors."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from typing import Annotated, Any, ClassVar, Literal, NamedTuple, cast

import msgspec
import msgspec.inspect

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

# What a field refers to is said by its type, in the ``extra`` of its ``msgspec.Meta`` (which
# msgspec keeps out of JSON Schema): ``{REFERS_TO: "agency"}`` for the id of an agency, or
# ``{KIND_IN: "kind"}`` where the struct's own ``kind`` field says which kind of entity it is.
# ``Event.references()`` (the write side's reference checks) and the desk's forms both read it.
REFERS_TO = "refers_to"
KIND_IN = "kind_in"


def _id_of(kind: RefKind) -> Any:
    return Annotated[str, msgspec.Meta(pattern=ID_PATTERN, extra={REFERS_TO: kind})]


SourceId = _id_of("source")
AgencyId = _id_of("agency")
MeetingId = _id_of("meeting")
InitiativeId = _id_of("initiative")
ActorId = Annotated[str, msgspec.Meta(pattern=ID_PATTERN, extra={KIND_IN: "kind"})]
"""The id of the agency, organization or person that the struct's ``kind`` field names."""
EventId = Annotated[uuid.UUID, msgspec.Meta(extra={REFERS_TO: "event"})]
"""The id of another event (what a correction or retraction amends)."""


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


TRUSTED: ContextVar[bool] = ContextVar("events_trusted", default=False)
"""True while ``events.decode_trusted`` decodes an event of the log: the checks in
``__post_init__`` (blank strings, NUL, cross-field rules, real dates) are then skipped, as the
event passed them when it was appended. msgspec's own type and constraint checks still run.
It is set only for the length of one synchronous decode, and as a context variable it is
never seen by another thread: an append decoding at the same time still checks."""


class Value(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Config shared by every struct of the vocabulary (events and the values inside them).

    frozen and forbid_unknown_fields are inherited; kw_only is not, so every subclass repeats it,
    and frozen too, for the type checker (which does not see it inherited).
    """


class Event(Value, frozen=True, kw_only=True):
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
        if TRUSTED.get():
            return
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
        if self.KEY is None:
            return None
        return self.stream_of(getattr(self, self.KEY))

    @classmethod
    def stream_of(cls, entity_id: str) -> str | None:
        """The stream of the entity ``entity_id`` that facts of this type belong to: ``agency-mss``
        for ``agency.registered``; None for a type without a stream of its own (corrections)."""
        if cls.STREAM is None or cls.KEY is None:
            return None
        return f"{cls.STREAM}-{entity_id}"

    def references(self) -> list[Reference]:
        """Every id this fact points at (never its own entity), in a stable order, without repeats:
        the fields whose types refer to another entity (``AgencyId``, ``ActorId``...), in field
        order, then the sources of its evidence."""
        links, sources = _walkers(type(self))
        found: list[Reference] = []
        links(self, self, found)
        sources(self, self, found)
        return list(dict.fromkeys(found))

    def _links(self) -> list[Reference]:
        """The references of every field but the evidence (with repeats)."""
        found: list[Reference] = []
        _walkers(type(self))[0](self, self, found)
        return found


Walker = Callable[[Any, Any, list[Reference]], None]
"""Adds the references in a value to a list, given the value and the struct that holds it
(whose ``kind`` says what a ``KIND_IN`` id refers to)."""


def _nothing(value: Any, owner: Any, found: list[Reference]) -> None:
    pass


_WALKERS: dict[type, tuple[Walker, Walker]] = {}


def _walkers(cls: type[Event]) -> tuple[Walker, Walker]:
    """What finds the references of an event of ``cls``: in every field but the evidence, and
    in the evidence; worked out from the field types once per class."""
    try:
        return _WALKERS[cls]
    except KeyError:
        fields = cast(msgspec.inspect.StructType, msgspec.inspect.type_info(cls)).fields
        links = _in_struct([f for f in fields if f.name != "evidence"]) or _nothing
        sources = _in_struct([f for f in fields if f.name == "evidence"]) or _nothing
        return _WALKERS.setdefault(cls, (links, sources))


def referred_kind(info: msgspec.inspect.Type) -> tuple[str, str] | None:
    """What a field of this type refers to: ``(REFERS_TO, kind)``, ``(KIND_IN, field)`` or None
    (looking through ``| None``)."""
    if isinstance(info, msgspec.inspect.UnionType):
        found = [k for t in info.types if (k := referred_kind(t))]
        return found[0] if found else None
    if isinstance(info, msgspec.inspect.Metadata):
        for key in (REFERS_TO, KIND_IN):
            extra = info.extra or {}
            if key in extra:
                return key, extra[key]
    return None


def _walker_of(info: msgspec.inspect.Type) -> Walker | None:
    """None where a value of this type holds no reference. ``None`` values hold none."""
    said = referred_kind(info) if isinstance(info, msgspec.inspect.Metadata) else None
    if said is not None:
        key, what = said
        if key == REFERS_TO:
            def refers(value: Any, owner: Any, found: list[Reference]) -> None:
                if value is not None:
                    found.append(Reference(what, str(value)))  # type: ignore[arg-type]
            return refers

        def by_kind(value: Any, owner: Any, found: list[Reference]) -> None:
            if value is not None:
                found.append(Reference(getattr(owner, what), value))
        return by_kind
    if isinstance(info, msgspec.inspect.Metadata):
        return _walker_of(info.type)
    if isinstance(info, msgspec.inspect.UnionType):
        inner = [w for t in info.types if (w := _walker_of(t)) is not None]
        if len(inner) > 1:
            raise TypeError(f"a union of several types that refer to entities: {info}")
        if not inner:
            return None
        (one,) = inner

        def optional(value: Any, owner: Any, found: list[Reference]) -> None:
            if value is not None:
                one(value, owner, found)
        return optional
    if isinstance(info, (msgspec.inspect.VarTupleType, msgspec.inspect.ListType)):
        item = _walker_of(info.item_type)
        if item is None:
            return None

        def each(value: Any, owner: Any, found: list[Reference]) -> None:
            for one_item in value:
                item(one_item, owner, found)
        return each
    if isinstance(info, msgspec.inspect.StructType):
        return _in_struct(info.fields)
    return None


def _in_struct(fields: Iterable[msgspec.inspect.Field]) -> Walker | None:
    walkers = tuple((f.name, w) for f in fields if (w := _walker_of(f.type)) is not None)
    if not walkers:
        return None

    def walk(value: Any, owner: Any, found: list[Reference]) -> None:
        for name, field_walker in walkers:
            field_walker(getattr(value, name), value, found)
    return walk


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
