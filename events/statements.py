"""statement.made: what someone said, proposed, presented or pledged."""

from __future__ import annotations

from typing import ClassVar, Literal, get_args

from events.actors import ActorRef
from events.base import TRUSTED, ActorId, Event, Id, InitiativeId, MeetingId, Slug, Text, Value, at
from events.dates import Occurred
from events.evidence import EvidenceList

StatementKind = Literal["remark", "proposal", "presentation", "pledge"]
STATEMENT_KINDS: tuple[StatementKind, ...] = get_args(StatementKind)


class Speaker(Value, frozen=True, kw_only=True):
    """Who spoke: a registered agency, organization or person (`kind` + `id`), or a `group` the
    source does not name ("다수의 기업들"): no id, a description, and the registered `members`
    the source does name, if any."""

    kind: Literal["agency", "organization", "person", "group"]
    id: ActorId | None = None
    description_ko: Text | None = None
    description_en: Text | None = None
    members: tuple[ActorRef, ...] = ()

    def __post_init__(self) -> None:
        if TRUSTED.get():
            return
        if self.kind == "group":
            if self.id is not None:
                raise ValueError("a group speaker has no id (name its known members instead)")
            if self.description_ko is None and self.description_en is None:
                raise ValueError("a group speaker needs description_ko or description_en")
        elif self.id is None:
            raise ValueError(f"a {self.kind} speaker needs an id")
        elif self.members:
            raise ValueError("only a group speaker has members")


class StatementMade(Event, frozen=True, kw_only=True):
    """`text` is in Korean. `verbatim` is true only for a direct quote: then each line of `text`
    (separately quoted passages go on separate lines) must be an exact substring of one of the
    evidence quotes. Otherwise `text` renders what the source reports in indirect speech.
    A statement made at a meeting may leave out `occurred`: it then has the meeting's date."""

    TYPE: ClassVar[str] = "statement.made"
    STREAM: ClassVar[str] = "statement"
    KEY: ClassVar[str] = "statement_id"

    statement_id: Id
    speaker: Speaker
    meeting: MeetingId | None = None
    kind: StatementKind
    text: Text
    text_en: Text | None = None
    verbatim: bool = False
    topics: tuple[Slug, ...] = ()
    related_initiatives: tuple[InitiativeId, ...] = ()
    occurred: Occurred | None = None
    evidence: EvidenceList

    def _check(self) -> None:
        if self.occurred is None and self.meeting is None:
            raise at("$.occurred", "a statement needs occurred unless it names its meeting")
        if not self.verbatim:
            return
        for line in self.text.split("\n"):
            if not any(line.strip() and line in e.quote for e in self.evidence):
                raise at("$.text", f"verbatim text is not in any evidence quote: {line!r}")
