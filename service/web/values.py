"""A corrected field's value as a reader reads it: actors and meetings by name, dates as dates
with their precision, places as their labels, kinds and statuses in words; never JSON.

``parts`` cuts a value into text and ``Ref``s; the page's ``name`` macro writes each ``Ref``
(so that whatever names or links an actor elsewhere does it here too)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import msgspec

import events
from service.web import labels


@dataclass(frozen=True)
class Ref:
    """An actor or a meeting named by id."""

    kind: str
    id: str


Part = str | Ref

REFERENCES = {"organiser": "agency", "agency": "agency", "parent": "agency", "meeting": "meeting"}
"""Fields whose text is an id, and of what."""
WORDS = {"kind": labels.KINDS, "status": labels.STATUSES}
"""Fields whose text is a code with words."""
NO_DATE = "회의 날짜를 따름 · the date of its meeting"
"""A statement's ``occurred`` removed: it takes its meeting's date."""
NONE = "없음 · none"


def parts(field: str, value: Any) -> list[Part]:
    if value is None:
        return [NO_DATE if field == "occurred" else NONE]
    if isinstance(value, bool):
        return ["예 · yes" if value else "아니요 · no"]
    if isinstance(value, str):
        if field in REFERENCES:
            return [Ref(REFERENCES[field], value)]
        if field in WORDS:
            return [" · ".join(dict.fromkeys(labels.pair(WORDS[field], value)))]
        return [value]
    if isinstance(value, list):
        if not value:
            return [NONE]
        joined: list[Part] = []
        for item in value:
            joined += [", "] if joined else []
            joined += parts(field, item)
        return joined
    if isinstance(value, dict):
        return _record(value)
    return [str(value)]


def references(field: str, value: Any) -> list[Ref]:
    """The actors and meetings a value names (for the page to look their names up)."""
    return [part for part in parts(field, value) if isinstance(part, Ref)]


def _record(value: dict[str, Any]) -> list[Part]:
    if isinstance(value.get("date"), str):
        return [_date(value)]
    if isinstance(value.get("name_ko"), str):
        place = msgspec.convert(value, events.Place)  # a correction's place, checked on append
        return [", ".join(part for part in (place.label(), place.url) if part)]
    if isinstance(value.get("kind"), str) and isinstance(value.get("id"), str):
        return [Ref(value["kind"], value["id"])]
    if isinstance(value.get("description_ko"), str):  # a group speaker
        shown: list[Part] = [value["description_ko"]]
        if value.get("description_en"):
            shown.append(f" ({value['description_en']})")
        members = value.get("members") or []
        if members:
            shown.append(": ")
            shown += parts("members", members)
        return shown
    # Another record (a head count): its fields that hold something, by name.
    shown = []
    for key, item in value.items():
        if item in (None, [], ""):
            continue
        shown += ["; "] if shown else []
        shown += [f"{key.replace('_', ' ')}: ", *parts(key, item)]
    return shown or [NONE]


def _date(occurred: dict[str, Any]) -> str:
    """"2025년 3월 24일 (24 Mar 2025, day precision)", with the source's words when it has them."""
    approximate = bool(occurred.get("approximate"))
    ko, en = labels.date_label(occurred["date"], approximate)
    _, _, precision = events.date_range(occurred["date"])
    text = f"{ko} ({en}, {labels.precision_label(precision)[1]} precision)"
    if occurred.get("original"):
        text += f", “{occurred['original']}”"
    return text
