"""The desk's fact forms, derived from the vocabulary: a form for any event type, the event's
data from the submitted fields, proposed ids and streams, evidence from a selection, and the
changes of a correction. Pure: no I/O and nothing of Litestar, so the pages and the tests use
the same functions (docs/desk.md, "Fact forms").

A form is a tree of ``FormField``, one per field of the event's msgspec Struct (read with
``msgspec.inspect.type_info``): a new event type in ``events.EVENT_TYPES`` gets its form, and
a new field its input, without desk code. What a field refers to is said by its type
(``events.base.REFERS_TO`` and ``KIND_IN``), the same knowledge ``Event.references()`` gives
the write side's checks.

Field names in the HTML form are dotted paths from the event's data, list items by their
index: ``title_ko``, ``occurred.date``, ``evidence.0.quote``, ``attendees.2.id``,
``topics.1``, ``speaker.members.0.kind``, each behind the form's ``prefix`` (``correction.``
for a correction's own reason and evidence). An index only orders: gaps are fine, and a row
whose inputs are all empty is no item.
"""

from __future__ import annotations

import hashlib
import re
import types
import typing
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal, cast

import msgspec
from msgspec import inspect as mi

import events
from events.base import REFERS_TO, referred_kind
from events.dates import DATE_PATTERN
from events.patterns import rule
from events.urls import WEB_URL
from service.web import labels

Kind = Literal[
    "text", "long_text", "boolean", "choice", "date", "url", "number", "id", "reference",
    "list", "record",
]

MENU_LEFT_OUT = frozenset({"source.registered"}) | events.AMENDING_TYPES
"""Types the desk's menu of facts leaves out: a source has the desk's own form (its text is
pasted or uploaded, not typed in fields), corrections and retractions theirs."""

ON_THE_WAY = ("person", "organization")
"""The kinds of entity that a fact's form can register on the way, when a reference names one
that is not registered yet. Agencies, meetings and initiatives have forms of their own."""

_LONG = frozenset({"text", "summary", "description", "note", "quote", "prefix", "suffix", "reason"})
"""Fields (less a ``_ko``/``_en`` ending) that take paragraphs, or a line break (a quote's
context may span one): a text area, as a browser drops line breaks from a one-line input."""

_WORDS: dict[str, tuple[str, str]] = {
    "name": ("이름", "Name"),
    "short": ("약칭", "Short name"),
    "title": ("제목", "Title"),
    "title_is_official": ("공식 명칭임", "The title is official"),
    "kind": ("종류", "Kind"),
    "parent": ("상위 기관", "Parent agency"),
    "country": ("국가", "Country"),
    "evidence": ("근거", "Evidence"),
    "source_id": ("출처", "Source"),
    "quote": ("인용", "Quote"),
    "prefix": ("앞 문맥", "Text before"),
    "suffix": ("뒤 문맥", "Text after"),
    "description": ("설명", "Description"),
    "affiliations": ("소속", "Affiliations"),
    "id": ("ID", "ID"),
    "agency": ("담당 기관", "Responsible agency"),
    "status": ("상태", "Status"),
    "summary": ("요약", "Summary"),
    "due": ("기한", "Due date"),
    "meetings": ("관련 회의", "Related meetings"),
    "topics": ("주제", "Topics"),
    "occurred": ("일시", "When"),
    "date": ("날짜", "Date"),
    "approximate": ("대략적인 날짜", "Approximate date"),
    "original": ("원문 표현", "Source's words"),
    "organiser": ("주최 기관", "Organiser"),
    "attendees": ("참석자", "Attendees"),
    "attendee_count": ("참석 인원", "Head count"),
    "value": ("수치", "Number"),
    "place": ("장소", "Place"),
    "note": ("비고", "Note"),
    "url": ("웹 주소", "URL"),
    "speaker": ("발언자", "Speaker"),
    "meeting": ("회의", "Meeting"),
    "text": ("내용", "Text"),
    "verbatim": ("직접 인용", "Verbatim"),
    "related_initiatives": ("관련 정책", "Related initiatives"),
    "members": ("구성원", "Members"),
    "reason": ("사유", "Reason"),
    "target": ("대상 사실", "Target fact"),
    "language": ("언어", "Language"),
    "publisher": ("발행처", "Publisher"),
    "published": ("발행일", "Published"),
    "sha256": ("SHA-256", "SHA-256"),
}
_ENTITIES: dict[str, tuple[str, str]] = {
    "source": ("출처", "Source"),
    "agency": ("기관", "Agency"),
    "organization": ("단체", "Organization"),
    "person": ("인물", "Person"),
    "initiative": ("정책", "Initiative"),
    "meeting": ("회의", "Meeting"),
    "statement": ("발언", "Statement"),
    "event": ("사실", "Fact"),
}
_TYPES: dict[str, tuple[str, str]] = {
    "agency.registered": ("기관 등록", "Agency registered"),
    "organization.registered": ("단체 등록", "Organization registered"),
    "person.registered": ("인물 등록", "Person registered"),
    "initiative.announced": ("정책 발표", "Initiative announced"),
    "initiative.status_changed": ("정책 상태 변경", "Initiative status changed"),
    "meeting.held": ("회의 개최", "Meeting held"),
    "statement.made": ("발언", "Statement made"),
    "fact.corrected": ("정정", "Fact corrected"),
    "fact.retracted": ("철회", "Fact retracted"),
    "source.registered": ("출처 등록", "Source registered"),
}
_CHOICES: dict[str, tuple[str, str]] = {
    "other": ("기타", "other"),
    "group": ("집단", "group"),
    "government": ("정부", "government"),
    "ministry": ("부처", "ministry"),
    "commission": ("위원회", "commission"),
    "office": ("처·청", "office"),
    "council": ("협의회", "council"),
    "company": ("기업", "company"),
    "institute": ("연구기관", "institute"),
    "university": ("대학", "university"),
    "association": ("협회", "association"),
    "civil_society": ("시민사회", "civil society"),
    "media": ("언론", "media"),
}
"""Words for choices that ``labels`` (the pages' words) does not have."""
_LANGUAGES = {"ko": ("한국어", "Korean"), "en": ("영어", "English")}
_UUID_PATTERN = "[0-9A-Fa-f]{8}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{12}"


@dataclass(frozen=True)
class FormField:
    """One input (or group of inputs) of a form, for one field of the event's data."""

    key: str
    """The field of the Struct: ``occurred``; a list's item has its list's key."""
    label: tuple[str, str]
    """Korean and English, from the field name: ``name_ko`` is ("이름 (한국어)", "Name (Korean)")."""
    kind: Kind
    required: bool
    """Whether the event needs a value (msgspec's ``required``: no default)."""
    default: Any = None
    """The default as JSON builtins (None where there is none, or the default is null)."""
    choices: tuple[Any, ...] = ()
    """A ``choice``'s values (a Literal's or an Enum's), in the vocabulary's order."""
    pattern: str | None = None
    """The rule as an HTML ``pattern`` (anchored whole by the browser, ``v``-flag safe)."""
    rule: str | None = None
    """The pattern's rule in words, for the hint: "a date like 2025-03-24, 2025-03 or 2025"."""
    min_length: int | None = None
    max_length: int | None = None
    minimum: int | None = None
    maximum: int | None = None
    refers_to: str | None = None
    """A ``reference``'s entity kind (``agency``); None when its struct's ``kind`` says it."""
    kind_in: str | None = None
    """The sibling field whose value is the entity kind: ``kind`` of an ``ActorRef``."""
    kinds: tuple[str, ...] = ()
    """The entity kinds a ``reference`` may name: ``("agency", "organization", "person")``."""
    item: FormField | None = None
    """A ``list``'s item."""
    min_items: int = 0
    fields: tuple[FormField, ...] = ()
    """A ``record``'s fields."""
    lang: str | None = None
    """``ko`` or ``en`` for the Korean and English fields of a pair."""
    pair: str | None = None
    """The name shared by the fields of a Korean/English pair (``name`` for ``name_ko`` and
    ``name_en``); the form draws them side by side."""
    proposed: bool = False
    """The entity's own id, proposed from its names where left empty (``proposed_key``)."""
    fixed: bool = False
    """Shown but not to be changed: the entity's id in a correction."""

    @property
    def long(self) -> bool:
        return self.kind == "long_text"

    @property
    def options(self) -> list[tuple[str, str, str]]:
        """A choice's values with their Korean and English words: ("roundtable", "간담회",
        "roundtable")."""
        return [(str(c), *choice_label(c)) for c in self.choices]

    @property
    def rows(self) -> list[tuple[FormField, ...]]:
        """A record's fields as the form draws them: a Korean/English pair on one row."""
        return _rows(self.fields)

    @property
    def list_id(self) -> str | None:
        """The ``<datalist>`` a reference suggests from: ``refs-agency``, or for one whose kind
        its row names, all its kinds (``refs-agency-organization-person``) until desk.js
        narrows it to the chosen kind."""
        return f"refs-{'-'.join(self.kinds)}" if self.kind == "reference" and self.kinds else None

    def find(self, key: str) -> FormField | None:
        return next((f for f in self.fields if f.key == key), None)


@dataclass(frozen=True)
class FactForm:
    """The form of one event type: its fields in the Struct's order."""

    type: str
    label: tuple[str, str]
    fields: tuple[FormField, ...]
    prefix: str = ""
    """Put before every field name, so that two forms share one HTML form: ``correction.``."""
    key: str | None = None
    """The field holding the entity's id (``meeting_id``), if the type has a stream of its own."""

    def name(self, path: str) -> str:
        """The HTML name of a field path: ``evidence.0.quote`` behind the prefix."""
        return f"{self.prefix}{path}"

    @property
    def rows(self) -> list[tuple[FormField, ...]]:
        return _rows(self.fields)

    @property
    def datalists(self) -> list[tuple[str, tuple[str, ...]]]:
        """Every ``<datalist>`` the form's references use, with the entity kinds it lists."""
        found: dict[str, tuple[str, ...]] = {}
        for _, field in walk_fields(self):
            item = field.item if field.item is not None else field
            for one in (field, item):
                if one.list_id is not None:
                    found[one.list_id] = one.kinds
                    found.update({f"refs-{kind}": (kind,) for kind in one.kinds})
        return sorted(found.items())

    def find(self, key: str) -> FormField | None:
        return next((f for f in self.fields if f.key == key), None)

    def field_at(self, path: str) -> FormField | None:
        """The field of a dotted path (indices skipped): ``attendees.2.id`` is the id of an
        attendee."""
        found: FormField | None = None
        fields = self.fields
        for part in path.split("."):
            if part.isdigit() and found is not None and found.item is not None:
                found = found.item
                fields = found.fields
                continue
            found = next((f for f in fields if f.key == part), None)
            if found is None:
                return None
            fields = found.fields if found.item is None else found.item.fields
        return found


# --- the menu and the forms --------------------------------------------------------------

def menu() -> list[str]:
    """The fact types the desk offers for a selection: every type of the vocabulary's union but
    ``MENU_LEFT_OUT``, in the union's order."""
    return [t for t in events.EVENT_TYPES if t not in MENU_LEFT_OUT]


def type_label(event_type: str) -> tuple[str, str]:
    """("회의 개최", "Meeting held"); a type without a Korean label has its tag's words twice."""
    if event_type in _TYPES:
        return _TYPES[event_type]
    words = event_type.replace(".", " ").replace("_", " ")
    words = words[:1].upper() + words[1:]
    return words, words


def form_for(
    event_type: str, *, prefix: str = "", leave_out: Iterable[str] = ()
) -> FactForm:
    """The form of ``event_type`` (any type of ``events.EVENT_TYPES``), its fields in the
    Struct's order but those in ``leave_out``. Raises UnknownEventType for another tag, and
    TypeError for a field type the desk has no input for (a mapping: a correction's
    ``changes`` are made by ``correction_form`` instead)."""
    cls = events.EVENT_TYPES.get(event_type)
    if cls is None:
        raise events.UnknownEventType(event_type)
    left_out = set(leave_out)
    info = cast(mi.StructType, mi.type_info(cls))
    fields = []
    hints = typing.get_type_hints(cls, include_extras=True)
    for f in info.fields:
        if f.name in left_out:
            continue
        field = _field(f.name, f.type, required=f.required, default=_default(f), hint=hints[f.name])
        if f.name == cls.KEY and cls.STREAM is not None:
            if event_type in events.CREATING_TYPES:
                field = replace(field, kind="id", proposed=True, label=_key_label(cls.STREAM))
            else:
                # A fact that continues an entity (a status change) is in that entity's stream:
                # its id names an entity that must be registered, as the write side checks.
                field = replace(field, kind="reference", refers_to=cls.STREAM, kinds=(cls.STREAM,),
                                label=_ENTITIES.get(cls.STREAM, (cls.STREAM, cls.STREAM)))
        fields.append(field)
    return FactForm(
        type=event_type, label=type_label(event_type), fields=_paired(fields), prefix=prefix,
        key=cls.KEY if cls.STREAM is not None else None,
    )


def _rows(fields: Sequence[FormField]) -> list[tuple[FormField, ...]]:
    rows: list[tuple[FormField, ...]] = []
    for field in fields:
        if field.pair is not None and rows and rows[-1][-1].pair == field.pair:
            rows[-1] = (*rows[-1], field)
        else:
            rows.append((field,))
    return rows


def _key_label(stream: str) -> tuple[str, str]:
    ko, en = _ENTITIES.get(stream, (stream, stream.capitalize()))
    return f"{ko} ID", f"{en} ID"


def _default(f: mi.Field) -> Any:
    if f.default is not msgspec.NODEFAULT:
        return msgspec.to_builtins(f.default)
    if f.default_factory is not msgspec.NODEFAULT:
        return msgspec.to_builtins(f.default_factory())
    return None


def _literal_values(hint: Any) -> tuple[Any, ...]:
    """A Literal's values in the order the vocabulary writes them (msgspec.inspect sorts them),
    looking through ``Annotated`` and ``| None``."""
    if typing.get_origin(hint) is Literal:
        return typing.get_args(hint)
    if typing.get_origin(hint) in (typing.Annotated, typing.Union, types.UnionType):
        for arg in typing.get_args(hint):
            if values := _literal_values(arg):
                return values
    return ()


def _item_hint(hint: Any) -> Any:
    """The item type of a ``tuple[X, ...]`` or ``list[X]`` hint (through ``Annotated``)."""
    while typing.get_origin(hint) is typing.Annotated:
        hint = typing.get_args(hint)[0]
    args = typing.get_args(hint)
    return args[0] if args else None


def _field(
    key: str, info: mi.Type, *, required: bool, default: Any = None, hint: Any = None
) -> FormField:
    label = label_for(key)
    if isinstance(info, mi.UnionType):
        members = [t for t in info.types if not isinstance(t, mi.NoneType)]
        if len(members) != 1:
            raise TypeError(f"{key}: the desk has no input for a union of {members}")
        info = members[0]
    said = referred_kind(info)
    if isinstance(info, mi.Metadata):
        info = info.type
    common = {"key": key, "label": label, "required": required, "default": default}
    if said is not None:
        how, what = said
        refers = {"refers_to": what, "kinds": (what,)} if how == REFERS_TO else {"kind_in": what}
        rules = _string_rules(info) or {"pattern": _UUID_PATTERN, "rule": "a UUID"}
        return FormField(kind="reference", **common, **refers, **rules)
    if isinstance(info, mi.StrType):
        kind: Kind = "text"
        if info.pattern == DATE_PATTERN:
            kind = "date"
        elif info.pattern == WEB_URL:
            kind = "url"
        elif _base(key)[0] in _LONG:
            kind = "long_text"
        return FormField(kind=kind, **common, **_string_rules(info))
    if isinstance(info, mi.BoolType):
        return FormField(kind="boolean", **common)
    if isinstance(info, mi.LiteralType):
        ordered = _literal_values(hint)
        choices = ordered if set(ordered) == set(info.values) else tuple(info.values)
        return FormField(kind="choice", choices=choices, **common)
    if isinstance(info, mi.EnumType):
        return FormField(kind="choice", choices=tuple(m.value for m in info.cls), **common)
    if isinstance(info, mi.IntType):
        return FormField(kind="number", minimum=info.ge, maximum=info.le, **common)
    if isinstance(info, mi.UUIDType):
        return FormField(kind="text", pattern=_UUID_PATTERN, rule="a UUID", **common)
    if isinstance(info, (mi.VarTupleType, mi.ListType)):
        item = _field(key, info.item_type, required=True, hint=_item_hint(hint))
        return FormField(kind="list", item=item, min_items=info.min_length or 0, **common)
    if isinstance(info, mi.StructType):
        hints = typing.get_type_hints(info.cls, include_extras=True)
        fields = [
            _field(f.name, f.type, required=f.required, default=_default(f), hint=hints[f.name])
            for f in info.fields
        ]
        fields = _with_kinds(fields)
        return FormField(kind="record", fields=_paired(fields), **common)
    raise TypeError(f"{key}: the desk has no input for {info}")


def _string_rules(info: mi.Type) -> dict[str, Any]:
    if not isinstance(info, mi.StrType):
        return {}
    return {
        "pattern": html_pattern(info.pattern) if info.pattern else None,
        "rule": rule(info.pattern) if info.pattern else None,
        "min_length": info.min_length,
        "max_length": info.max_length,
    }


def _with_kinds(fields: list[FormField]) -> list[FormField]:
    """A reference whose kind a sibling names may name the entity kinds of that sibling's
    choices (a speaker's ``group`` is no entity: it has no id)."""
    entity_kinds = set(_ENTITIES) - {"event"}
    out = []
    for field in fields:
        if field.kind == "reference" and field.kind_in:
            sibling = next((f for f in fields if f.key == field.kind_in), None)
            choices = sibling.choices if sibling is not None else ()
            field = replace(field, kinds=tuple(c for c in choices if c in entity_kinds))
        out.append(field)
    return out


def _base(key: str) -> tuple[str, str | None]:
    for lang in _LANGUAGES:
        if key.endswith(f"_{lang}"):
            return key[: -len(lang) - 1], lang
    return key, None


def label_for(key: str) -> tuple[str, str]:
    """Korean and English words for a field name: ``attendee_count`` is ("참석 인원", "Head
    count"); a name without Korean words has its English words twice; ``_ko``/``_en`` say the
    language: ("이름 (한국어)", "Name (Korean)")."""
    base, lang = _base(key)
    if base in _WORDS:
        ko, en = _WORDS[base]
    elif base.endswith("_id") and base[:-3] in _ENTITIES:
        ko, en = _key_label(base[:-3])
    else:
        words = " ".join({"id": "ID", "url": "URL"}.get(w, w) for w in base.split("_"))
        ko = en = words[:1].upper() + words[1:]
    if lang is not None:
        ko, en = f"{ko} ({_LANGUAGES[lang][0]})", f"{en} ({_LANGUAGES[lang][1]})"
    return ko, en


def _paired(fields: list[FormField]) -> tuple[FormField, ...]:
    """Mark the Korean/English pairs: ``x_ko`` and ``x_en``, or ``x`` and ``x_en`` (a
    statement's ``text`` is in Korean, ``text_en`` its English)."""
    keys = {f.key for f in fields}
    out = []
    for field in fields:
        base, lang = _base(field.key)
        if lang == "en" and (f"{base}_ko" in keys or base in keys):
            field = replace(field, pair=base, lang="en")
        elif lang == "ko" and f"{base}_en" in keys:
            field = replace(field, pair=base, lang="ko")
        elif lang is None and f"{field.key}_en" in keys and field.kind in ("text", "long_text"):
            ko, en = field.label
            field = replace(field, pair=field.key, lang="ko", label=(f"{ko} (한국어)", f"{en} (Korean)"))
        elif lang is not None:
            field = replace(field, lang=lang)
        out.append(field)
    return tuple(out)


def html_pattern(regex: str) -> str:
    """A vocabulary pattern as an HTML ``pattern`` attribute: without the anchors (the browser
    matches the whole value) and with each literal ``-`` and ``/`` in a character class escaped,
    as browsers compile it with the ``v`` flag, which refuses them bare (a refused pattern
    checks nothing). Python reads the result the same way: the tests compare the two."""
    body = regex
    if body.startswith("^"):
        body = body[1:]
    for end in ("(?!\\n)$", "$"):
        if body.endswith(end):
            body = body[: -len(end)]
            break
    out, in_class, i = [], False, 0
    while i < len(body):
        c = body[i]
        if c == "\\":
            out.append(body[i : i + 2])
            i += 2
            continue
        if in_class:
            if c == "]":
                in_class = False
            elif c == "/" or (c == "-" and _literal_hyphen(body, i)):
                c = "\\" + c
        elif c == "[":
            in_class = True
            out.append(c)
            i += 1
            if body[i : i + 1] == "^":
                out.append("^")
                i += 1
            continue
        out.append(c)
        i += 1
    return "".join(out)


def _literal_hyphen(body: str, i: int) -> bool:
    """Whether the ``-`` at ``i`` in a character class is a character, not a range: first or
    last in the class, or right after a range."""
    before, after = body[i - 1], body[i + 1 : i + 2]
    if before in "[^" and (i < 2 or body[i - 2] != "\\"):
        return True
    if after == "]":
        return True
    # After a range (a-z-...): the character two back is a range's hyphen.
    return i >= 2 and body[i - 2] == "-" and body[i - 3 : i - 2] != "\\"


# --- from the submitted fields to the event's data -----------------------------------------

class _Empty:
    def __repr__(self) -> str:
        return "EMPTY"


EMPTY: Any = _Empty()
"""No value: the field is left out of the data."""

_ON = frozenset({"on", "true", "1", "yes"})


def event_data(form: FactForm, submitted: Mapping[str, Sequence[str]]) -> dict[str, Any]:
    """The event's ``data`` from the submitted fields (each name to its values, as a form
    posts them): empty optional fields left out, required ones left out too when empty, so that
    ``events.convert_event`` names them ("Object missing required field `title_ko`"). Values
    are taken as typed (a quote is exact), but for line ends: a browser sends a text area's as
    CR LF, the data has LF. A value of white space only is empty. A checkbox unchecked is left
    out where its default is false, and is false otherwise (a record left all empty stays
    out). Other names (a CSRF token, another form's) are not read."""
    data = _record_value(form.fields, form.prefix.rstrip("."), submitted)
    return {} if data is EMPTY else data


def _join(prefix: str, key: str) -> str:
    return f"{prefix}.{key}" if prefix else key


def _record_value(fields: Sequence[FormField], name: str, submitted: Mapping[str, Sequence[str]]) -> Any:
    data: dict[str, Any] = {}
    for field in fields:
        value = _value(field, _join(name, field.key), submitted)
        if value is not EMPTY:
            data[field.key] = value
    if not data:
        return EMPTY
    for field in fields:
        if field.kind == "boolean" and field.key not in data and field.default is not False:
            data[field.key] = False  # a box unchecked, where that is not what its default says
    return data


def _value(field: FormField, name: str, submitted: Mapping[str, Sequence[str]]) -> Any:
    if field.kind == "record":
        return _record_value(field.fields, name, submitted)
    if field.kind == "list":
        assert field.item is not None
        items = [_value(field.item, f"{name}.{index}", submitted) for index in _indices(name, submitted)]
        items = [item for item in items if item is not EMPTY]
        return items or EMPTY
    values = submitted.get(name) or ()
    if field.kind == "boolean":
        return True if any(v.strip().lower() in _ON for v in values) else EMPTY
    raw = values[0] if values else ""
    raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    if not raw.strip():
        return EMPTY
    if field.kind == "number":
        try:
            return int(raw.strip())
        except ValueError:
            return raw  # msgspec says what is wrong, at this field
    if field.kind == "choice":
        return next((c for c in field.choices if str(c) == raw), raw)
    return raw


def _indices(name: str, submitted: Mapping[str, Sequence[str]]) -> list[int]:
    """The item indices of the list ``name`` among the submitted names, in order."""
    start = f"{name}."
    found = set()
    for key in submitted:
        if key.startswith(start):
            index = key[len(start) :].split(".", 1)[0]
            if index.isdigit() and index.isascii():
                found.add(int(index))
    return sorted(found)


def form_values(form: FactForm, data: Mapping[str, Any]) -> dict[str, list[str]]:
    """The inverse of ``event_data``: the fields a browser would submit for ``data`` (text
    areas with CR LF line ends, checkboxes checked or absent), for prefilling and for tests."""
    out: dict[str, list[str]] = {}
    for field in form.fields:
        if field.key in data:
            _fill(field, form.name(field.key), data[field.key], out)
    return out


def _fill(field: FormField, name: str, value: Any, out: dict[str, list[str]]) -> None:
    if value is None:
        return
    if field.kind == "record":
        for sub in field.fields:
            if sub.key in value:
                _fill(sub, f"{name}.{sub.key}", value[sub.key], out)
    elif field.kind == "list":
        assert field.item is not None
        for index, item in enumerate(value):
            _fill(field.item, f"{name}.{index}", item, out)
    elif field.kind == "boolean":
        if value:
            out[name] = ["true"]
    elif field.long:
        out[name] = [str(value).replace("\n", "\r\n")]
    else:
        out[name] = [str(value)]


# --- errors at their fields ------------------------------------------------------------------

_AT = re.compile(r" - at `\$(?P<path>[^`]*)`")
_MISSING = re.compile(r"^Object missing required field `(?P<field>[^`]+)`")
_UNKNOWN = re.compile(r"^Object contains unknown field `(?P<field>[^`]+)`")
_EVENTS = re.compile(r"^events\[\d+\](?P<changes>\.changes)?(?P<path>(?:\.[a-z0-9_]+|\[\d+\])*)(?::|$)")


def error_field(message: str, prefix: str = "", *, changes_prefix: str | None = None) -> str | None:
    """The form field that an error names, or None where it names none (the fact as a whole).

    Reads the vocabulary's messages (``events.InvalidEvent``, msgspec's path: "Expected a date
    like ... - at `$.occurred.date`" is ``occurred.date``; "Object missing required field
    `title_ko`" is ``title_ko``) and the write side's (a dry run's problem ``detail``:
    "events[0].evidence[1]: the quote is not in source ..." is ``evidence.1``). In a
    correction's answer, ``events[0].changes.…`` names the corrected fact's fields: they are
    behind ``changes_prefix``, the correction's own behind ``prefix``."""
    path = None
    at = _AT.search(message)
    if at is not None:
        path = at.group("path")
    else:
        events_at = _EVENTS.match(message)
        if events_at is not None:
            path = events_at.group("path")
            if events_at.group("changes") and changes_prefix is not None:
                prefix = changes_prefix
    if path is None:
        path = "" if (_MISSING.match(message) or _UNKNOWN.match(message)) else None
    if path is None:
        return None
    parts = [p for p in re.split(r"\.|\[(\d+)\]", path) if p]
    named = _MISSING.match(message) or _UNKNOWN.match(message)
    if named is not None:
        parts.append(named.group("field"))
    if not parts:
        return None
    return prefix + ".".join(parts)


def fields_naming(form: FactForm, data: Mapping[str, Any], kind: str, entity_id: str) -> list[str]:
    """The names of the fields whose value is the id of ``kind`` ``entity_id``: where the desk
    shows the write side's "unknown person 'x'" (its problem's ``missing``)."""
    found: list[str] = []

    def walk(fields: Sequence[FormField], value: Mapping[str, Any], name: str) -> None:
        for field in fields:
            if field.key not in value or value[field.key] is None:
                continue
            one(field, value[field.key], _join(name, field.key), value)

    def one(field: FormField, value: Any, name: str, owner: Mapping[str, Any]) -> None:
        if field.kind == "record" and isinstance(value, Mapping):
            walk(field.fields, value, name)
        elif field.kind == "list" and isinstance(value, list | tuple) and field.item is not None:
            for index, item in enumerate(value):
                one(field.item, item, f"{name}.{index}", owner)
        elif field.kind == "reference" and str(value) == entity_id:
            named = field.refers_to or owner.get(field.kind_in or "")
            if named == kind:
                found.append(form.name(name))

    walk(form.fields, data, "")
    return found


# --- ids and streams ---------------------------------------------------------------------------

_STOP_WORDS = frozenset(["a", "an", "the", "of", "and", "for", "to", "by", "in", "on", "at", "with", "from"])
_NAME_FIELDS = ("short_en", "name_en", "title_en")
_KOREAN_NAME_FIELDS = ("short_ko", "name_ko", "title_ko")
_ID_LENGTH = 63


def slug(text: str, limit: int = 40) -> str:
    """Lower-case ASCII words of ``text`` joined by hyphens, at most ``limit`` characters and
    whole words (the first word cut if it alone is longer); English stop words left out where
    others remain. Letters with accents lose them; Hangul and other scripts give nothing."""
    folded = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in folded if not unicodedata.combining(c)).lower()
    words = re.findall(r"[a-z0-9]+", plain)
    kept = [w for w in words if w not in _STOP_WORDS] or words
    out = ""
    for word in kept:
        longer = f"{out}-{word}" if out else word
        if len(longer) > limit:
            break
        out = longer
    return out or (kept[0][:limit] if kept else "")


def proposed_id(*names: str | None, kind: str = "entity", context: str | None = None,
                taken: Iterable[str] = ()) -> str:
    """A readable id from the first name that has Latin letters or digits (the English name):
    ``proposed_id("Seo Ji-ho")`` is ``seo-ji-ho``. A name in Hangul only is not romanised (a
    person's own spelling is not guessed): the id is the entity kind and 8 hexadecimal digits
    of the name's sha256, ``person-3a1f09c2``, the same for the same name, so registering it
    twice meets the first registration (a 409) instead of making a second. ``context`` (an
    agency's id, a speaker's) goes first; an id in ``taken`` gets ``-2``, ``-3``... Always an
    id of the vocabulary's pattern."""
    given = [n for n in names if n and n.strip()]
    words = next((s for s in map(slug, given) if s), "")
    if not words:
        first = unicodedata.normalize("NFC", given[0].strip()) if given else ""
        words = f"{slug(kind) or 'entity'}-{hashlib.sha256(first.encode()).hexdigest()[:8]}"
    context_words = slug(context, 24) if context else ""
    if context_words:
        words = f"{context_words}-{words}"
    words = words[:_ID_LENGTH].strip("-")
    taken = set(taken)
    candidate, n = words, 1
    while candidate in taken:
        n += 1
        ending = f"-{n}"
        candidate = words[: _ID_LENGTH - len(ending)].rstrip("-") + ending
    return candidate


def proposed_key(event_type: str, data: Mapping[str, Any], taken: Iterable[str] = ()) -> str | None:
    """The id proposed for the entity that a fact of ``event_type`` creates, from its data; None
    for a type that creates none. Names first (``short_en``, ``name_en``, ``title_en``, then the
    Korean ones): an agency's short name, a person's or an organization's name alone; a titled
    entity (an initiative, a meeting) after the entity it belongs to (its first reference, e.g.
    ``mss-…``); an entity without names or title (a statement) is its first reference and its
    ``kind``: ``ko-hak-soo-pledge``."""
    cls = events.EVENT_TYPES.get(event_type)
    if cls is None or event_type not in events.CREATING_TYPES or cls.KEY is None:
        return None
    form = form_for(event_type)
    english = [data.get(k) for k in _NAME_FIELDS if isinstance(data.get(k), str)]
    korean = [data.get(k) for k in _KOREAN_NAME_FIELDS if isinstance(data.get(k), str)]
    named = any(form.find(k) for k in ("short_en", "name_en", "name_ko"))
    context = None if named else _first_reference(form, data)
    if not english and not korean:
        what = data.get("kind") if isinstance(data.get("kind"), str) else cls.STREAM
        return proposed_id(what, context=context, taken=taken)
    return proposed_id(*english, *korean, kind=cls.STREAM or "entity", context=context, taken=taken)


def _first_reference(form: FactForm, data: Mapping[str, Any]) -> str | None:
    """The first id the data refers to, in field order (evidence's sources aside)."""
    def first(fields: Sequence[FormField], value: Any) -> str | None:
        if not isinstance(value, Mapping):
            return None
        for field in fields:
            found = inner(field, value.get(field.key))
            if found:
                return found
        return None

    def inner(field: FormField, value: Any) -> str | None:
        if value is None or field.key == "evidence":
            return None
        if field.kind == "reference" and isinstance(value, str):
            return value
        if field.kind == "record":
            return first(field.fields, value)
        if field.kind == "list" and field.item is not None and isinstance(value, list | tuple):
            return next((f for f in (inner(field.item, v) for v in value) if f), None)
        return None

    return first(form.fields, data)


def stream_for(event_type: str, data: Mapping[str, Any]) -> str | None:
    """The stream a fact of ``event_type`` with ``data`` is appended to, by the vocabulary's own
    rule (``Event.stream_of``, the rule ``stream_id()`` and the write side's stream check use):
    ``agency-mss``, ``meeting-pipc-ai-startup-roundtable``. None for a correction or retraction
    (it goes to its target's stream) or where the data has no id yet."""
    cls = events.EVENT_TYPES.get(event_type)
    if cls is None:
        raise events.UnknownEventType(event_type)
    entity_id = data.get(cls.KEY) if cls.KEY else None
    return cls.stream_of(entity_id) if isinstance(entity_id, str) and entity_id else None


def with_proposed_key(
    event_type: str, data: Mapping[str, Any], taken: Iterable[str] = ()
) -> dict[str, Any]:
    """``data`` with the entity's id proposed where it was left empty (shown in the preview,
    where the editor may change it)."""
    cls = events.EVENT_TYPES.get(event_type)
    out = dict(data)
    if cls is not None and cls.KEY and not out.get(cls.KEY):
        key = proposed_key(event_type, out, taken)
        if key:
            out[cls.KEY] = key
    return out


# --- evidence from a selection -----------------------------------------------------------------

_CONTEXT_LIMIT = 200
"""The most text around a quote that evidence gives before the quote, or after it."""


def evidence_from_selection(
    source_text: str, start: int, end: int, source_id: str | None = None
) -> dict[str, str]:
    """Evidence for the passage ``source_text[start:end]`` (code point offsets, ``end``
    exclusive): ``{"quote": ...}``, with ``source_id`` when given, and with ``prefix`` and
    ``suffix`` only where the quote occurs more than once in the text: the shortest context
    that singles out this occurrence (as ``check_quote_located`` on the write side asks), then
    widened to whole words, each non-blank (the vocabulary refuses blank text) and at most 200
    characters. Raises ValueError for offsets outside the text or a blank selection, or a
    passage no context within 200 characters singles out."""
    if not 0 <= start < end <= len(source_text):
        raise ValueError(f"a selection is 0 <= start < end <= {len(source_text)}, not {start}, {end}")
    quote = source_text[start:end]
    if not quote.strip():
        raise ValueError("a blank selection is no quote")
    evidence: dict[str, str] = {} if source_id is None else {"source_id": source_id}
    evidence["quote"] = quote
    others = [s for s in events.occurrences(quote, source_text) if s != (start, end)]
    if not others:
        return evidence
    before = [_common_before(source_text, start, s) for s, _ in others]
    after = [_common_after(source_text, end, e) for _, e in others]
    best: tuple[int, int] | None = None
    for i in sorted({0, *(b + 1 for b in before)}):
        if i > min(start, _CONTEXT_LIMIT):
            continue
        need = [a for b, a in zip(before, after, strict=True) if b >= i]
        j = max(need) + 1 if need else 0
        if j > min(len(source_text) - end, _CONTEXT_LIMIT):
            continue
        widened = _non_blank(source_text, start, end, i, j)
        if widened is not None and (best is None or sum(widened) < sum(best)):
            best = widened
    if best is None:
        raise ValueError("no text within 200 characters around the selection singles it out")
    i, j = _whole_words(source_text, start, end, *best)
    if i:
        evidence["prefix"] = source_text[start - i : start]
    if j:
        evidence["suffix"] = source_text[end : end + j]
    return evidence


def _common_before(text: str, a: int, b: int) -> int:
    """How many characters right before ``a`` and before ``b`` are the same (up to the limit + 1)."""
    n = 0
    while n <= _CONTEXT_LIMIT and n < a and n < b and text[a - n - 1] == text[b - n - 1]:
        n += 1
    return n if n < a else _CONTEXT_LIMIT + 1  # all of the text before: no prefix tells them apart


def _common_after(text: str, a: int, b: int) -> int:
    n, size = 0, len(text)
    while n <= _CONTEXT_LIMIT and a + n < size and b + n < size and text[a + n] == text[b + n]:
        n += 1
    return n if a + n < size else _CONTEXT_LIMIT + 1


def _non_blank(text: str, start: int, end: int, i: int, j: int) -> tuple[int, int] | None:
    """Widen a context of white space only until it holds a character (longer still singles
    out); None where the text before or after has none."""
    while i and not text[start - i : start].strip():
        if i >= start:
            return None
        i += 1
    while j and not text[end : end + j].strip():
        if end + j >= len(text):
            return None
        j += 1
    return i, j


def _whole_words(text: str, start: int, end: int, i: int, j: int) -> tuple[int, int]:
    """Widen the context to the edge of the words it cuts (up to 20 characters more)."""
    if i:
        extra = 0
        while extra < 20 and start - i - 1 >= 0 and not text[start - i - 1].isspace():
            i += 1
            extra += 1
    if j:
        extra = 0
        while extra < 20 and end + j < len(text) and not text[end + j].isspace():
            j += 1
            extra += 1
    return i, j


# --- corrections -------------------------------------------------------------------------------

@dataclass(frozen=True)
class CorrectionForm:
    """A correction's form: the fact's fields filled with the fact as now corrected (its id
    fixed: a correction may not move a fact to another stream), and the correction's own
    reason and evidence behind ``correction.``."""

    type: str
    fact: FactForm
    correction: FactForm
    values: dict[str, Any]
    """The fact's data as now corrected, every field (defaults and nulls included)."""


def correction_form(event_type: str, current_data: Mapping[str, Any]) -> CorrectionForm:
    """The form to correct a fact of ``event_type`` whose data, as corrected so far, is
    ``current_data`` (the stored data with the earlier corrections' changes merged over it:
    ``events.corrected_data``). Raises InvalidEvent if that data is no valid fact."""
    current = events.convert_event(event_type, current_data)
    fact = form_for(event_type)
    if fact.key is not None:
        fact = replace(fact, fields=tuple(
            replace(f, fixed=True) if f.key == fact.key else f for f in fact.fields
        ))
    return CorrectionForm(
        type=event_type,
        fact=fact,
        correction=amendment_form("fact.corrected"),
        values=_json(current),
    )


def _json(fact: events.Event) -> dict[str, Any]:
    """A fact as its JSON reads: every field, lists for tuples, strings for UUIDs."""
    return msgspec.json.decode(msgspec.json.encode(fact))


def amendment_form(event_type: str) -> FactForm:
    """The own fields of a correction or a retraction (its reason and evidence), behind
    ``correction.`` or ``retraction.``; the target is the fact the desk shows, and a
    correction's changes come from the fact's fields (``changes``)."""
    prefix = "correction." if event_type == "fact.corrected" else "retraction."
    return form_for(event_type, prefix=prefix, leave_out=("target", "changes"))


def changes(event_type: str, current_data: Mapping[str, Any], new_data: Mapping[str, Any]) -> dict[str, Any]:
    """The top-level fields whose values differ between the fact as now corrected and as the
    editor left it, with their new values: a ``fact.corrected`` event's ``changes``, each
    replacing a whole field (``events.corrected_data``). Both sides are read through the
    vocabulary first, so a field left out and its default are the same (an unchecked box is
    ``false``, an empty optional field ``null``). Raises InvalidEvent where ``new_data`` is no
    valid fact of the type (the desk shows it at its field, ``error_field``)."""
    before = _json(events.convert_event(event_type, current_data))
    after = _json(events.convert_event(event_type, new_data))
    return {key: value for key, value in after.items() if before.get(key) != value}


def correction_data(
    form: CorrectionForm, submitted: Mapping[str, Sequence[str]], target: str
) -> dict[str, Any]:
    """The ``fact.corrected`` data of a submitted correction form: ``target``, the changed
    fields, the reason and the evidence. Raises InvalidEvent where the fact's fields make no
    valid fact (at the fact's fields), and ValueError where nothing changed."""
    found = changes(form.type, form.values, event_data(form.fact, submitted))
    if not found:
        raise ValueError("nothing changed: a correction changes at least one field")
    return {"target": target, "changes": found, **event_data(form.correction, submitted)}


# --- what a page passes to the forms -------------------------------------------------------------

def reference_kinds(form: FactForm) -> list[str]:
    """The entity kinds the form's references may name, in a stable order: the lists of
    registered entities that its page passes (``entities`` of the template's macros)."""
    found: dict[str, None] = {}

    def walk(fields: Iterable[FormField]) -> None:
        for field in fields:
            if field.kind == "reference":
                found.update(dict.fromkeys(field.kinds))
            walk(field.fields)
            if field.item is not None:
                walk([field.item])

    walk(form.fields)
    return list(found)


def on_the_way(form: FactForm) -> list[FactForm]:
    """The registration forms a fact's form offers for entities not registered yet (a new
    person or organization that it names), each behind ``new.<kind>.<n>.``: their data comes
    from ``registrations``."""
    kinds = [k for k in reference_kinds(form) if k in ON_THE_WAY]
    return [form_for(f"{kind}.registered", prefix=f"new.{kind}.") for kind in kinds]


def on_the_way_form(form: FactForm) -> FactForm:
    """The registrations on the way as one form to draw: a list of records per kind, named
    ``new.person.0.name_ko``... (the same names ``registrations`` reads)."""
    lists = []
    for new in on_the_way(form):
        kind = new.prefix.split(".")[1]
        record = FormField(key=kind, label=new.label, kind="record", required=True, fields=new.fields)
        lists.append(FormField(key=kind, label=new.label, kind="list", required=False, item=record))
    return FactForm(type="new", label=("함께 등록", "Also register"), fields=tuple(lists), prefix="new.")


def registrations(
    form: FactForm, submitted: Mapping[str, Sequence[str]], taken: Iterable[str] = ()
) -> list[tuple[str, dict[str, Any]]]:
    """The registrations filled in on the way, as ``(type, data)`` in the order to append
    them, before the fact (each in its own new stream; the write side wants a registration
    first in its stream, so each is its own append). An id left empty is proposed."""
    found = []
    taken = set(taken)
    for new in on_the_way(form):
        base = new.prefix.rstrip(".")
        for index in _indices(base, submitted):
            data = event_data(replace(new, prefix=f"{base}.{index}."), submitted)
            if data:
                data = with_proposed_key(new.type, data, taken)
                taken.add(str(data.get(events.EVENT_TYPES[new.type].KEY or "")))
                found.append((new.type, data))
    return found


def walk_fields(form: FactForm) -> Iterator[tuple[str, FormField]]:
    """Every field with its dotted path (``evidence.quote`` for a list item's field)."""
    def walk(fields: Iterable[FormField], path: str) -> Iterator[tuple[str, FormField]]:
        for field in fields:
            here = _join(path, field.key)
            yield here, field
            yield from walk(field.fields, here)
            if field.item is not None and field.item.fields:
                yield from walk(field.item.fields, here)

    return walk(form.fields, "")


def choice_label(value: Any) -> tuple[str, str]:
    """A choice's words (``roundtable`` is ("간담회", "roundtable"))."""
    text = str(value)
    return labels.pair({**_CHOICES, **labels.KINDS, **labels.STATUSES, **_ENTITIES}, text)
