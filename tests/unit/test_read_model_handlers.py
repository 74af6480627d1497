"""Each read model's handler table, with no database: given events, the rows they produce.

The handlers are called as the engine calls them (``folding.rows_of``: the events folded into a
fact view, then each fact's handler on it), and the rows compared with what the read model says
it keeps: what each column holds is written here from the events, not read back from the code.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from typing import Any

import msgspec
from hypothesis import given, settings
from hypothesis import strategies as st

import events
from events.seed import SOURCE_ID
from service.read_models import (
    agencies,
    facts,
    initiatives,
    meetings,
    organizations,
    people,
    sources,
    statements,
    timeline,
)
from service.read_models.search import search_columns
from tests.unit.folding import SEED, new_event, rows_of

QUOTE = "중기부"
EVIDENCE = [{"source_id": SOURCE_ID, "quote": QUOTE}]
POSITION = {event.id: position for position, event in enumerate(SEED, start=1)}
AGENCIES = ["mss", "pipc", "kr-government"]
ORGANIZATIONS = [
    e.stream_id.removeprefix("organization-") for e in SEED if e.type == "organization.registered"
]
MEETINGS = {
    e.stream_id.removeprefix("meeting-"): msgspec.json.decode(e.data)["organiser"]
    for e in SEED if e.type == "meeting.held"
}


def of_type(type_: str) -> list[Any]:
    return [e for e in SEED if e.type == type_]


def data(event: Any) -> dict[str, Any]:
    return msgspec.json.decode(event.data)


def columns(rows: list[tuple[str, tuple]], projection, table: str) -> list[dict[str, Any]]:
    """The rows of one table as column -> value."""
    names = projection.tables[table]
    return [dict(zip(names, row, strict=True)) for t, row in rows if t == table]


def test_agencies_and_organizations_keep_each_registration_by_its_id():
    assert rows_of(SEED, agencies.PROJECTION) == [
        ("agencies", (data(e)["agency_id"], e.id)) for e in of_type("agency.registered")
    ]
    assert rows_of(SEED, organizations.PROJECTION) == [
        ("organizations", (data(e)["organization_id"], e.id))
        for e in of_type("organization.registered")
    ]


def person(person_id: str, affiliated: list[tuple[str, str]], number: int = 0) -> Any:
    return new_event(f"person-{person_id}", "person.registered", {
        "person_id": person_id, "name_ko": "Someone", "evidence": EVIDENCE,
        "affiliations": [{"kind": k, "id": id_, "title_ko": "staff"} for k, id_ in affiliated],
    }, number)


affiliations = st.lists(st.one_of(
    st.tuples(st.just("agency"), st.sampled_from(AGENCIES)),
    st.tuples(st.just("organization"), st.sampled_from(ORGANIZATIONS)),
), max_size=5)


@settings(deadline=None)
@given(affiliations)
def test_a_person_is_kept_with_the_ids_of_their_posts_each_once_in_order(affiliated):
    someone = person("someone", affiliated)
    [(table, row)] = rows_of([*SEED, someone], people.PROJECTION)[-1:]
    ids = list(dict.fromkeys(id_ for _, id_ in affiliated))
    assert (table, row) == ("people", ("someone", someone.id, ids))


def test_a_meeting_is_kept_by_organiser_and_date():
    rows = columns(rows_of(SEED, meetings.PROJECTION), meetings.PROJECTION, "meetings")
    for row, event in zip(rows, of_type("meeting.held"), strict=True):
        held = data(event)
        assert row["meeting_id"] == held["meeting_id"] and row["organiser"] == held["organiser"]
        assert (row["earliest"], row["latest"]) == events.date_range(held["occurred"]["date"])[:2]
        assert row["position"] == POSITION[event.id]
        assert held["title_ko"].lower() in row["search_text"]


def status_change(initiative_id: str, status: str, date: str, number: int) -> Any:
    return new_event(f"initiative-{initiative_id}", "initiative.status_changed", {
        "initiative_id": initiative_id, "status": status, "occurred": {"date": date},
        "evidence": EVIDENCE,
    }, number)


def test_an_initiatives_history_is_its_announcement_then_its_status_changes():
    announced = of_type("initiative.announced")[0]
    plan = data(announced)
    change = status_change(plan["initiative_id"], "published", "2025-12", 1)
    rows = columns(rows_of([*SEED, change], initiatives.PROJECTION), initiatives.PROJECTION,
                   "initiative_history")
    mine = [row for row in rows if row["initiative_id"] == plan["initiative_id"]]
    assert [(r["event_id"], r["type"], r["agency_id"]) for r in mine] == [
        (announced.id, "initiative.announced", plan["agency"]),
        (change.id, "initiative.status_changed", None),  # the agency is the announcement's
    ]
    sort_key = events.Occurred(date="2025-12").sort_key()
    assert (mine[1]["earliest"], mine[1]["precision_rank"]) == sort_key


speakers = st.one_of(
    st.builds(lambda i: {"kind": "agency", "id": i}, st.sampled_from(AGENCIES)),
    st.builds(lambda i: {"kind": "organization", "id": i}, st.sampled_from(ORGANIZATIONS)),
    st.builds(lambda i: {"kind": "person", "id": i}, st.just("someone")),
    st.builds(
        lambda members: {"kind": "group", "description_ko": "companies", "members": members},
        st.lists(
            st.builds(lambda i: {"kind": "organization", "id": i}, st.sampled_from(ORGANIZATIONS)),
            max_size=4,
        ),
    ),
)


def statement(speaker: dict, meeting: str | None, number: int = 1, **more: Any) -> Any:
    said = {"statement_id": f"said-{number}", "speaker": speaker, "kind": "pledge", "text": "Words",
            "occurred": {"date": "2025-03"}, "evidence": EVIDENCE, **more}
    if meeting is not None:
        said["meeting"] = meeting
    return new_event(f"statement-said-{number}", "statement.made", said, number)


@settings(deadline=None)
@given(speakers, st.sampled_from([None, *MEETINGS]))
def test_a_statement_is_kept_with_its_speakers_ids_and_meeting(speaker, meeting):
    said = statement(speaker, meeting)
    rows = columns(rows_of([*SEED, person("someone", []), said], statements.PROJECTION),
                   statements.PROJECTION, "statements")
    row = rows[-1]
    named = [speaker.get("id"), *(m["id"] for m in speaker.get("members", []))]
    assert row["event_id"] == said.id
    assert row["speaker_ids"] == list(dict.fromkeys(i for i in named if i is not None))
    assert (row["meeting_id"], row["kind"]) == (meeting, "pledge")


def involved(rows: list[dict[str, Any]], event_id: Any) -> dict[str, list[str]]:
    found: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        if row["event_id"] == event_id:
            found[row["agency_id"]] += row["roles"]
    return dict(found)


@settings(deadline=None)
@given(affiliations, st.sampled_from([None, *MEETINGS]))
def test_a_persons_statement_is_on_the_timeline_of_each_agency_they_serve_and_of_the_host(
    affiliated, meeting
):
    said = statement({"kind": "person", "id": "someone"}, meeting)
    log = [*SEED, person("someone", affiliated), said]
    rows = columns(rows_of(log, timeline.PROJECTION), timeline.PROJECTION, "timeline_entries")
    expected: dict[str, set[str]] = defaultdict(set)
    for kind, agency_id in affiliated:
        if kind == "agency":
            expected[agency_id].add("speaker")
    if meeting is not None:
        expected[MEETINGS[meeting]].add("host")
    assert involved(rows, said.id) == {a: sorted(roles) for a, roles in expected.items()}


def test_a_meeting_and_an_announcement_are_on_their_agencys_timeline():
    rows = columns(rows_of(SEED, timeline.PROJECTION), timeline.PROJECTION, "timeline_entries")
    for event in of_type("meeting.held"):
        assert involved(rows, event.id) == {data(event)["organiser"]: ["organiser"]}
    for event in of_type("initiative.announced"):
        assert involved(rows, event.id) == {data(event)["agency"]: ["responsible"]}


def test_a_status_change_is_on_the_timeline_of_its_initiatives_agency_titled_by_it():
    announced = of_type("initiative.announced")[0]
    plan = data(announced)
    change = status_change(plan["initiative_id"], "published", "2025-12", 1)
    rows = columns(rows_of([*SEED, change], timeline.PROJECTION), timeline.PROJECTION,
                   "timeline_entries")
    [row] = [row for row in rows if row["event_id"] == change.id]
    assert (row["agency_id"], row["roles"], row["type"]) == (
        plan["agency"], ["responsible"], "initiative.status_changed"
    )
    assert plan["title_ko"].lower() in row["search_text"]
    orphan = status_change("never-announced", "published", "2025-12", 2)
    assert orphan.id not in {row[1] for _, row in rows_of([*SEED, orphan], timeline.PROJECTION)}


def test_a_retracted_fact_stays_on_the_timeline_marked_retracted():
    meeting = of_type("meeting.held")[0]
    retraction = new_event(meeting.stream_id, "fact.retracted", {
        "target": str(meeting.id), "reason": "r", "evidence": EVIDENCE,
    }, 1)
    rows = columns(rows_of([*SEED, retraction], timeline.PROJECTION), timeline.PROJECTION,
                   "timeline_entries")
    assert [row["state"] for row in rows if row["event_id"] == meeting.id] == ["retracted"]


def test_every_fact_lists_each_source_it_quotes_once_and_a_source_is_kept_by_its_id():
    rows = rows_of(SEED, sources.PROJECTION)
    registered = of_type("source.registered")
    assert [row for table, row in rows if table == "sources"] == [
        (data(e)["source_id"], e.id) for e in registered
    ]
    expected = [
        (source_id, e.id, POSITION[e.id])
        for e in SEED
        for source_id in dict.fromkeys(q["source_id"] for q in data(e).get("evidence", []))
    ]
    assert [row for table, row in rows if table == "source_facts"] == expected


def test_the_facts_table_keeps_each_fact_as_corrected_once_with_its_state():
    rows = columns(rows_of(SEED, facts.PROJECTION), facts.PROJECTION, "facts")
    assert [row["event_id"] for row in rows] == [e.id for e in SEED]
    current = {e.id: data(e) for e in SEED}
    changed: dict[Any, list[dict]] = defaultdict(list)
    for e in SEED:
        if e.type == "fact.corrected":
            target = uuid.UUID(data(e)["target"])
            current[target] = events.corrected_data(current[target], data(e)["changes"])
            changed[target].append(data(e)["changes"])
    for row, event in zip(rows, SEED, strict=True):
        assert row["type"] == event.type and row["position"] == POSITION[event.id]
        assert msgspec.json.decode(row["fact"]) == current[event.id]
        assert [c["changes"] for c in msgspec.json.decode(row["corrections"])] == changed[event.id]
        assert row["state"] == ("corrected" if changed[event.id] else "active")
        assert row["entity"] == (event.stream_id if event.type in events.CREATING_TYPES else None)


def test_search_text_is_each_text_once_normalized():
    said = statement({"kind": "agency", "id": "mss"}, None, text_en="Ｆｕｌｌ  WIDTH")
    rows = columns(rows_of([*SEED, said], statements.PROJECTION), statements.PROJECTION,
                   "statements")
    assert rows[-1]["search_text"] == search_columns(["Words", "Ｆｕｌｌ  WIDTH", QUOTE])[0]
    assert rows[-1]["search_text"] == "words\nfull width\n중기부"
