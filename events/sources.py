"""source.registered: a document that evidence quotes from."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

import msgspec

from events.base import Event, Id, Text, at
from events.dates import Occurred
from events.evidence import Evidence, sha256_text
from events.urls import WebUrl

Language = Annotated[str, msgspec.Meta(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*(?!\n)$")]
Sha256 = Annotated[str, msgspec.Meta(pattern=r"^[0-9a-f]{64}(?!\n)$")]

SourceKind = Literal["news_article", "press_release", "report", "law", "web_page", "other"]


class SourceRegistered(Event, kw_only=True):
    """A document, its full text kept so that every quote can be checked against it.

    A source is its own evidence, so it carries none. `title` is the document's own title or,
    where it has none, one supplied in [square brackets] (the cataloguing convention).
    """

    TYPE: ClassVar[str] = "source.registered"
    STREAM: ClassVar[str] = "source"
    KEY: ClassVar[str] = "source_id"

    source_id: Id
    title: Text
    publisher: Text | None = None
    url: WebUrl | None = None
    language: Language
    published: Occurred | None = None
    kind: SourceKind = "other"
    text: Text
    sha256: Sha256
    note: Text | None = None

    @property
    def evidence(self) -> tuple[Evidence, ...]:
        """None: a source is what other facts quote."""
        return ()

    def _check(self) -> None:
        actual = sha256_text(self.text)
        if self.sha256 != actual:
            raise at("$.sha256", f"sha256 does not match the text (the text's sha256 is {actual})")
