"""Where the pages show an agency, a person, an organization or a meeting: the one place that
makes those links (every mention of one on a page links here)."""

from __future__ import annotations

from urllib.parse import quote, urlencode

ENTITY_PAGES = {"person": "people", "organization": "organizations", "meeting": "meetings"}
"""Kinds that have a page of their own, by the collection their JSON endpoint is under."""


def page_url(kind: str, entity_id: str | None) -> str | None:
    """The page of an entity: an agency's timeline, or ``/<collection>/{id}/view``; None for a
    kind without a page (a group) or no id."""
    if not entity_id:
        return None
    if kind == "agency":
        return "/?" + urlencode({"agency": entity_id})
    collection = ENTITY_PAGES.get(kind)
    if collection is None:
        return None
    return f"/{collection}/{quote(entity_id, safe='')}/view"
