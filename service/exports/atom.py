"""Atom (RFC 4287) feeds of timeline facts, newest first.

Each entry is a fact: its id is ``urn:uuid:<event_id>``, ``published`` when the service
recorded it and ``updated`` when it last learned something about it (a correction or a
retraction), so a feed reader shows a corrected fact as changed. Links: ``alternate`` to the
entry on its agency's timeline page (HTML, first: the link a feed reader opens) and to the
event as JSON, ``related`` to each
source view that holds its evidence, ``via`` to the source's own address where it has one
(a web address: ``events.web_url``, which every page and export links through).
ElementTree writes the XML, so every value is escaped; characters XML 1.0 cannot hold are
dropped.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import NamedTuple
from urllib.parse import urlencode
from xml.etree import ElementTree as ET

import events
from service.exports.wording import date_note, display_date, state_note, summary, title
from service.queries.feed import FeedItem
from service.queries.timeline import TimelineEntry

MEDIA_TYPE = "application/atom+xml; charset=utf-8"
NAMESPACE = "http://www.w3.org/2005/Atom"
GENERATOR = "Policy Timeline"

_NOT_XML = re.compile(r"[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

ET.register_namespace("", NAMESPACE)


class FeedHead(NamedTuple):
    id: str
    title: str
    self_url: str
    alternate_url: str
    updated: datetime
    """Used when the feed has no entries."""


def feed(
    head: FeedHead, items: Sequence[FeedItem], base_url: str, source_urls: Mapping[str, str | None]
) -> bytes:
    """Links to this service are under ``base_url`` (without a last slash; empty for links
    relative to the feed's own address)."""
    root = ET.Element(_tag("feed"), {"{http://www.w3.org/XML/1998/namespace}lang": "ko"})
    _text(root, "id", head.id)
    _text(root, "title", head.title)
    _text(root, "updated", _instant(max((i.updated for i in items), default=head.updated)))
    _link(root, head.self_url, "self", "application/atom+xml")
    _link(root, head.alternate_url, "alternate", "application/json")
    _text(ET.SubElement(root, _tag("author")), "name", GENERATOR)
    _text(root, "generator", GENERATOR)
    for item in items:
        _entry(root, item, base_url, source_urls)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _entry(root: ET.Element, item: FeedItem, base_url: str, urls: Mapping[str, str | None]) -> None:
    entry = item.entry
    element = ET.SubElement(root, _tag("entry"))
    _text(element, "id", f"urn:uuid:{entry.event_id}")
    _text(element, "title", title(entry))
    _text(element, "published", _instant(entry.recorded_at))
    _text(element, "updated", _instant(item.updated))
    ET.SubElement(element, _tag("category"), {"term": entry.type})
    _link(element, entry_page(base_url, item), "alternate", "text/html")
    _link(element, f"{base_url}/events/{entry.event_id}", "alternate", "application/json")
    for source_id in entry.source_ids:
        _link(element, f"{base_url}/sources/{source_id}", "related", "application/json")
        if url := events.web_url(urls.get(source_id)):
            _link(element, url, "via")
    _text(element, "summary", summary(entry) or title(entry))
    _text(element, "content", _content(entry))


def entry_page(base_url: str, item: FeedItem) -> str:
    """The page that shows the fact: its row on its agency's timeline page."""
    agency = urlencode({"agency": item.agency_id}) if item.agency_id else ""
    return f"{base_url}/?{agency}#entry-{item.entry.event_id}"


def _content(entry: TimelineEntry) -> str:
    lines = [f"{display_date(entry)} · {entry.type} · {entry.state}"]
    lines += [t for t in (entry.title_ko, entry.title_en, summary(entry)) if t]
    lines += [note for note in (date_note(entry), state_note(entry)) if note]
    lines += [f"“{e.quote}” ({e.source_id})" for e in entry.evidence]
    return "\n\n".join(lines)


def stable_id(name: str) -> str:
    """A feed id that never changes: a name-based UUID."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'policy-timeline:{name}')}"


def _tag(name: str) -> str:
    return f"{{{NAMESPACE}}}{name}"


def _text(parent: ET.Element, name: str, value: str) -> None:
    ET.SubElement(parent, _tag(name)).text = _NOT_XML.sub("", value)


def _link(parent: ET.Element, href: str, rel: str, media_type: str | None = None) -> None:
    attributes = {"href": _NOT_XML.sub("", href), "rel": rel}
    if media_type:
        attributes["type"] = media_type
    ET.SubElement(parent, _tag("link"), attributes)


def _instant(value: datetime) -> str:
    return value.isoformat().replace("+00:00", "Z")
