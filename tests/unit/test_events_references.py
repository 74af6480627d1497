"""Each fact knows its stream and every id it points at; corrections amend facts without moving them."""

from __future__ import annotations

import re
import uuid

import pytest

import events
from events import (
    ActorRef,
    Affiliation,
    AgencyRegistered,
    Evidence,
    FactCorrected,
    FactRetracted,
    InitiativeAnnounced,
    InitiativeStatusChanged,
    Occurred,
    PersonRegistered,
    Reference,
    Speaker,
    StatementMade,
)
from events.seed import SOURCE_ID, load_seed

EVIDENCE = (Evidence(source_id="article", quote="간담회"), Evidence(source_id="article", quote="회의"))
WHEN = Occurred(date="2025-03")
TARGET = uuid.UUID("9164f8a6-0ae9-5a52-a63f-053718cc507a")


def statement(**changes) -> StatementMade:
    fields = {
        "statement_id": "remarks",
        "speaker": Speaker(kind="person", id="ko-hak-soo"),
        "kind": "remark",
        "text": "협력하겠다",
        "occurred": WHEN,
        "evidence": EVIDENCE,
    }
    return StatementMade(**{**fields, **changes})


def seed_event(stream_id: str) -> events.Event:
    line = next(s for s in load_seed() if s.stream_id == stream_id)
    return events.decode_event(line.type, line.data)


def test_an_entity_fact_belongs_to_its_entitys_stream() -> None:
    for line in load_seed():
        event = events.decode_event(line.type, line.data)
        if line.type in events.AMENDING_TYPES:
            continue  # in its target's stream: see the next test
        prefix = line.type.split(".")[0]
        assert event.stream_id() == f"{prefix}-{getattr(event, prefix + '_id')}"
    changed = InitiativeStatusChanged(
        initiative_id="guide", status="published", occurred=WHEN, evidence=EVIDENCE
    )
    assert changed.stream_id() == "initiative-guide"


def test_a_correction_leaves_its_stream_to_the_service() -> None:
    corrected = FactCorrected(target=TARGET, changes={"meeting": "roundtable"}, reason="r", evidence=EVIDENCE)
    retracted = FactRetracted(target=TARGET, reason="r", evidence=EVIDENCE)
    assert corrected.stream_id() is None and retracted.stream_id() is None
    assert corrected.references() == retracted.references() == [
        Reference("event", str(TARGET)),
        Reference("source", "article"),
    ]


def test_a_reference_knows_the_stream_that_must_exist() -> None:
    assert Reference("person", "oh-young-ju").stream_id == "person-oh-young-ju"
    assert Reference("event", str(TARGET)).stream_id is None
    kind, id_ = Reference("agency", "mss")
    assert (kind, id_) == ("agency", "mss")


def test_an_agency_points_at_its_parent_and_never_at_itself() -> None:
    agency = AgencyRegistered(
        agency_id="pipc-secretariat", name_ko="사무처", name_en="Secretariat", kind="office", parent="pipc"
    )
    assert agency.references() == [Reference("agency", "pipc")]
    assert seed_event("agency-mss").references() == [Reference("source", SOURCE_ID)]


def test_a_person_points_at_each_affiliation() -> None:
    person = PersonRegistered(
        person_id="someone",
        name_ko="누군가",
        affiliations=(
            Affiliation(kind="agency", id="mss", title_ko="장관"),
            Affiliation(kind="organization", id="klleon", title_ko="고문"),
        ),
    )
    assert person.references() == [Reference("agency", "mss"), Reference("organization", "klleon")]


def test_a_meeting_points_at_its_organiser_attendees_and_sources() -> None:
    assert seed_event("meeting-mss-workforce-policy-review").references() == [
        Reference("agency", "mss"),
        Reference("person", "oh-young-ju"),
        Reference("person", "yoo-young-joon"),
        Reference("person", "seo-ji-ho"),
        Reference("source", SOURCE_ID),  # three quotes, one source: no repeats
    ]


def test_an_initiative_points_at_its_agency_and_the_meetings_it_builds_on() -> None:
    initiative = InitiativeAnnounced(
        initiative_id="guide",
        agency="pipc",
        title_ko="안내서",
        kind="guideline",
        status="planned",
        meetings=("roundtable",),
        occurred=WHEN,
        evidence=EVIDENCE,
    )
    assert initiative.references() == [
        Reference("agency", "pipc"),
        Reference("meeting", "roundtable"),
        Reference("source", "article"),
    ]


def test_a_status_change_points_only_at_its_evidence() -> None:
    changed = InitiativeStatusChanged(
        initiative_id="guide", status="published", occurred=WHEN, evidence=EVIDENCE
    )
    assert changed.references() == [Reference("source", "article")]


def test_a_statement_points_at_its_speaker_meeting_and_initiatives() -> None:
    made = statement(meeting="roundtable", related_initiatives=("guide", "plan"))
    assert made.references() == [
        Reference("person", "ko-hak-soo"),
        Reference("meeting", "roundtable"),
        Reference("initiative", "guide"),
        Reference("initiative", "plan"),
        Reference("source", "article"),
    ]


def test_a_group_speaker_points_at_the_members_the_source_names() -> None:
    group = Speaker(
        kind="group",
        description_ko="기업들",
        members=(ActorRef(kind="organization", id="moreh"), ActorRef(kind="organization", id="elice-group")),
    )
    assert statement(speaker=group).references()[:2] == [
        Reference("organization", "moreh"),
        Reference("organization", "elice-group"),
    ]
    unnamed = seed_event("statement-pipc-roundtable-companies-proposals")
    assert unnamed.references() == [
        Reference("meeting", "pipc-ai-startup-roundtable"),
        Reference("source", SOURCE_ID),
    ]


def test_a_correction_gives_the_fact_as_corrected() -> None:
    remarks = seed_event("statement-pipc-ko-hak-soo-open-source-remarks")
    changes = {
        "meeting": "pipc-ai-startup-roundtable",
        "occurred": {"date": "2025-03-24", "approximate": False, "original": None},
    }
    corrected = events.apply_changes(remarks, changes)
    assert isinstance(corrected, StatementMade)
    assert corrected.meeting == "pipc-ai-startup-roundtable"
    assert corrected.occurred == Occurred(date="2025-03-24")
    assert corrected.text == remarks.text and remarks.meeting is None  # the original is untouched


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"occurred": {"date": "2025-02-30"}}, "invalid date '2025-02-30'"),
        ({"colour": "blue"}, "Object contains unknown field `colour`"),
        ({"kind": "rumour"}, "Invalid enum value 'rumour'"),
        ({"evidence": []}, "Expected `array` of length >= 1 - at `$.evidence`"),
        ({"statement_id": "another"}, "changes may not move the fact to another stream"),
    ],
)
def test_a_correction_that_breaks_the_fact_is_refused(changes: dict, message: str) -> None:
    with pytest.raises(events.InvalidEvent, match=re.escape(message)):
        events.apply_changes(statement(), changes)



def id_fields(info, path: str = "$"):
    """(path, type) of every field whose values are ids (of the id pattern), at any depth."""
    from msgspec import inspect

    if isinstance(info, inspect.Metadata):
        yield from ((p, info if t is info.type else t) for p, t in id_fields(info.type, path))
    elif isinstance(info, inspect.StrType) and info.pattern == events.base.ID_PATTERN:
        yield path, info
    elif isinstance(info, inspect.UnionType):
        for member in info.types:
            yield from id_fields(member, path)
    elif isinstance(info, inspect.VarTupleType):
        yield from id_fields(info.item_type, path + "[]")
    elif isinstance(info, inspect.StructType):
        for field in info.fields:
            yield from id_fields(field.type, f"{path}.{field.name}")


def test_every_id_field_says_what_it_refers_to_or_is_the_entitys_own() -> None:
    """What a field refers to is said by its type (``events.base.REFERS_TO``, ``KIND_IN``): the
    write side's reference checks and the desk's forms read it there. A new field of ids that
    said nothing would be checked by neither, so every one says, but the entity's own id and
    topics (slugs of the id form)."""
    from msgspec import inspect

    for type_, cls in events.EVENT_TYPES.items():
        for path, info in id_fields(inspect.type_info(cls)):
            if path in (f"$.{cls.KEY}", "$.topics[]"):
                assert not isinstance(info, inspect.Metadata), (type_, path)
                continue
            assert events.base.referred_kind(info) is not None, f"{type_} {path} says nothing"
