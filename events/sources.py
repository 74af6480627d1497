"""source.registered: a document that evidence quotes from."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal, get_args

import msgspec

from events.base import Event, Id, Text, at
from events.dates import Occurred
from events.evidence import Evidence, sha256_text
from events.patterns import pattern
from events.urls import WebUrl

Language = Annotated[str, msgspec.Meta(pattern=pattern(
    r"^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*(?!\n)$",
    "a language tag like `ko`, `en` or `zh-Hant`: two or three lower-case letters, then any "
    "subtags of letters and digits after hyphens",
))]
Sha256 = Annotated[str, msgspec.Meta(pattern=pattern(
    r"^[0-9a-f]{64}(?!\n)$", "a sha256 of 64 lower-case hexadecimal digits"
))]

SourceKind = Literal["news_article", "press_release", "report", "law", "web_page", "other"]
SOURCE_KINDS: tuple[SourceKind, ...] = get_args(SourceKind)
DEFAULT_KIND: SourceKind = "other"


class SourceRegistered(Event, frozen=True, kw_only=True):
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
    kind: SourceKind = DEFAULT_KIND
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
