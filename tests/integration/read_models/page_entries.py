"""One timeline entry of the page (``/?agency=…``), read back as a user reads it: its detail
rows, its links, its English text and the corrections' new values."""

from __future__ import annotations

import uuid
from html.parser import HTMLParser


async def entry_details(client, agency_id: str, event_id: uuid.UUID) -> EntryDetails:
    response = await client.get("/", params={"agency": agency_id})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    details = EntryDetails(str(event_id))
    details.feed(response.text)
    return details


class EntryDetails(HTMLParser):
    """The rows (term, text) and links (href, text) of one timeline entry on the page."""

    def __init__(self, entry_id: str) -> None:
        super().__init__()
        self.entry_id = entry_id
        self.depth = 0  # of <li> elements, inside the entry's
        self.rows: list[tuple[str, str]] = []
        self.links: list[tuple[str, str]] = []
        self.english: list[str] = []
        self._cell: tuple[str, list[str]] | None = None
        self._link: tuple[str, list[str]] | None = None
        self.changes: list[str] = []
        self._change: list[str] | None = None
        self._lang_en = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "li" and (self.depth or attrs.get("id") == f"entry-{self.entry_id}"):
            self.depth += 1
        if not self.depth:
            return
        if tag in ("dt", "dd"):
            self._cell = (tag, [])
        if tag == "p" and self._cell:
            self._cell[1].append(" ")  # paragraphs read apart
        if tag == "a":
            self._link = (attrs.get("href"), [])
        if tag == "ins":
            self._change = []
        if tag == "span" and attrs.get("lang") == "en":
            self._lang_en += 1
            self.english.append("")

    def handle_endtag(self, tag):
        if not self.depth:
            return
        if tag == "li":
            self.depth -= 1
        if tag in ("dt", "dd") and self._cell:
            text = " ".join("".join(self._cell[1]).split())
            if tag == "dt":
                self.rows.append((text, ""))
            elif self.rows:
                self.rows[-1] = (self.rows[-1][0], text)
            self._cell = None
        if tag == "a" and self._link:
            self.links.append((self._link[0], "".join(self._link[1]).strip()))
            self._link = None
        if tag == "ins" and self._change is not None:
            self.changes.append("".join(self._change))
            self._change = None
        if tag == "span" and self._lang_en:
            self._lang_en -= 1

    def handle_data(self, data):
        if not self.depth:
            return
        for part in (self._cell, self._link):
            if part:
                part[1].append(data)
        if self._change is not None:
            self._change.append(data)
        if self._lang_en:
            self.english[-1] += data
