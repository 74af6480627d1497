"""A corrected value in words (``service.web.values``) and a source's facts by kind
(``service.web.supported``), for any value or list of facts."""

from __future__ import annotations

import uuid

from hypothesis import given
from hypothesis import strategies as st

from service.queries.sources import SupportedFact
from service.web.supported import ELSEWHERE, ITSELF, KINDS, by_kind
from service.web.values import NO_DATE, NONE, Ref, parts

ids = st.from_regex(r"[a-z][a-z0-9]{0,6}(-[a-z0-9]{1,6}){0,2}", fullmatch=True)
words = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1,
                max_size=12).filter(lambda t: not any(s in t for s in ("{", "None", "kind:")))
actors = st.builds(lambda kind, id_: {"kind": kind, "id": id_},
                   st.sampled_from(["person", "organization", "agency"]), ids)
groups = st.builds(
    lambda ko, en, members: {"kind": "group", "id": None, "description_ko": ko,
                             "description_en": en, "members": members},
    words, st.none() | words, st.lists(actors, max_size=3),
)
dates = st.builds(
    lambda year, month, day, approximate: {
        "date": "-".join(str(p).zfill(2) for p in (year, month, day) if p is not None),
        "approximate": approximate, "original": None,
    },
    st.integers(1990, 2030), st.none() | st.integers(1, 12), st.just(None), st.booleans(),
)
places = st.builds(lambda ko, en: {"name_ko": ko, "name_en": en, "note": None, "url": None},
                   words, words)
values = st.one_of(st.none(), st.booleans(), words, actors, groups, dates, places,
                   st.lists(actors, max_size=3))
fields = st.sampled_from(["speaker", "occurred", "place", "attendees", "title_en", "meeting",
                          "organiser", "verbatim", "kind", "status"])


def refs_in(value) -> set[tuple[str, str]]:
    if isinstance(value, list):
        return set().union(*(refs_in(item) for item in value))
    if isinstance(value, dict):
        own = {(value["kind"], value["id"])} if value.get("id") else set()
        return own | refs_in(value.get("members") or [])
    return set()


@given(fields, values)
def test_a_value_is_words_and_names_never_json(field, value):
    shown = parts(field, value)
    text = "".join(p for p in shown if isinstance(p, str))
    assert shown and "{" not in text and "kind:" not in text and "None" not in text
    named = {(p.kind, p.id) for p in shown if isinstance(p, Ref)}
    if isinstance(value, dict | list):
        assert named == refs_in(value)
    if value is None:
        assert shown == [NO_DATE if field == "occurred" else NONE]


def test_a_date_is_a_date_with_its_precision():
    assert parts("occurred", {"date": "2025-03-24", "approximate": False}) == [
        "2025년 3월 24일 (24 Mar 2025, day precision)"
    ]
    assert parts("occurred", {"date": "2025-03", "approximate": True, "original": "최근"}) == [
        "2025년 3월경 (c. Mar 2025, month precision), “최근”"
    ]
    assert parts("meeting", "mss-workforce-policy-review") == [
        Ref("meeting", "mss-workforce-policy-review")
    ]


TYPES = [*KINDS, "fact.corrected", "fact.retracted"]
SOURCE = uuid.UUID(int=1)


def facts_strategy():
    def build(draw_types, targets):
        events = [uuid.UUID(int=n + 2) for n in range(len(draw_types))]
        made = []
        for n, (kind, target) in enumerate(zip(draw_types, targets, strict=True)):
            amends = kind.startswith("fact.")
            made.append(SupportedFact(
                event_id=events[n], type=kind, stream_id="s", position=n, quote=f"q{n}",
                prefix=None, suffix=None, start=None, end=None, state="active",
                target=(SOURCE if target < 0 else uuid.UUID(int=target + 2)) if amends else None,
            ))
        return made
    return st.integers(0, 12).flatmap(lambda size: st.builds(
        build, st.lists(st.sampled_from(TYPES), min_size=size, max_size=size),
        st.lists(st.integers(-1, 14), min_size=size, max_size=size),
    ))


@given(facts_strategy())
def test_each_fact_is_listed_once_under_its_kind_and_each_amendment_under_what_it_amends(facts):
    groups = by_kind(facts, SOURCE)
    entries = [(group.label, entry) for group in groups for entry in group.entries]
    facts_shown = [q.event_id for _, e in entries for q in e.quotes]
    assert sorted(facts_shown) == sorted(f.event_id for f in facts if f.target is None)
    amendments = [a.event_id for _, e in entries for a in e.amendments]
    assert sorted(amendments) == sorted(f.event_id for f in facts if f.target is not None)
    listed = {f.event_id for f in facts if f.target is None}
    for label, entry in entries:
        assert label in (*KINDS.values(), ITSELF, ELSEWHERE)
        for amendment in entry.amendments:
            if amendment.target in listed:
                assert amendment.target == entry.event_id
            elif amendment.target == SOURCE:
                assert label == ITSELF
            else:
                assert label == ELSEWHERE
    assert [g.label for g in groups] == sorted(
        [g.label for g in groups],
        key=lambda label: [*KINDS.values(), ITSELF, ELSEWHERE].index(label),
    )
