"""The Jinja2 template configuration: the templates' folder and the label helpers they call."""

from __future__ import annotations

import json
from http import HTTPStatus
from urllib.parse import urlencode

import msgspec
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.template.config import TemplateConfig

import events
from events.sources import SOURCE_KINDS
from service.queries.timeline import TIMELINE_TYPES
from service.web import TEMPLATES, forms, labels, values
from service.web.links import page_url


def _query(**values: object) -> str:
    """A query string of the values that are set (lists repeat their name)."""
    pairs = []
    for name, value in values.items():
        for item in value if isinstance(value, list | tuple) else [value]:
            if item not in (None, ""):
                pairs.append((name, str(item)))
    return urlencode(pairs)


def _show(value: object) -> str:
    """A corrected field's value as people read it: text as is, a date as a date label, a
    place as its names and note."""
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and isinstance(value.get("date"), str):
        ko, en = labels.date_label(value["date"], bool(value.get("approximate")))
        return f"{ko} ({en})"
    if isinstance(value, dict) and isinstance(value.get("name_ko"), str):
        place = msgspec.convert(value, events.Place)  # a correction's place, checked on append
        return ", ".join(part for part in (place.label(), place.url) if part)
    if isinstance(value, bool):
        return "예 · yes" if value else "아니요 · no"
    if isinstance(value, list):
        return ", ".join(_show(item) for item in value) if value else "—"
    if isinstance(value, dict):
        # A record (a speaker, a head count): its fields that hold something, by name.
        shown = [f"{key}: {_show(item)}" for key, item in value.items() if item not in (None, [], "")]
        return "; ".join(shown) if shown else "—"
    return json.dumps(value, ensure_ascii=False)


def _configure(engine: JinjaTemplateEngine) -> None:
    environment = engine.engine
    environment.globals.update(
        date_label=labels.date_label,
        precision_label=labels.precision_label,
        kind_label=lambda kind: labels.pair(labels.KINDS, kind),
        status_label=lambda status: labels.pair(labels.STATUSES, status),
        state_label=lambda state: labels.pair(labels.STATES, state),
        role_label=lambda role: labels.pair(labels.ROLES, role),
        query=_query,
        show=_show,
        value_parts=values.parts,
        role_choices=labels.ROLE_CHOICES,
        phrase=lambda status: HTTPStatus(status).phrase,
        field_label=forms.label_for,
        web_url=events.web_url,
        page_url=page_url,
        source_kinds=SOURCE_KINDS,
        # For the page's live updates (static/page.js): the events to listen for, and those
        # that add an entry to the timeline.
        event_types=lambda: " ".join(events.EVENT_TYPES),
        timeline_types=lambda: " ".join(TIMELINE_TYPES),
    )
    environment.trim_blocks = True
    environment.lstrip_blocks = True


def template_config() -> TemplateConfig[JinjaTemplateEngine]:
    return TemplateConfig(
        directory=TEMPLATES, engine=JinjaTemplateEngine, engine_callback=_configure
    )
