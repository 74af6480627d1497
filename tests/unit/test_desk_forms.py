"""The desk's fact forms are derived from the vocabulary: every fact type has one, what a
browser submits from it is the event's data again, and what the forms propose (ids, streams,
evidence, a correction's changes) passes the write side's own checks."""

from __future__ import annotations

import datetime
import re
import shutil
import subprocess
import uuid
from html.parser import HTMLParser
from typing import Any, ClassVar

import jinja2
import msgspec
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from msgspec import inspect as mi

import events
from events.actors import ActorRef
from events.base import ID_PATTERN, AgencyId, Event, Id, Text
from events.dates import DATE_PATTERN, Occurred
from events.evidence import EvidenceList
from events.seed import ARTICLE_TEXT, SOURCE_ID, load_seed
from service.web import TEMPLATES, forms
from service.writing.checks import BadFact, check_batch, check_quote_located
from service.writing.known import KnownFacts, Target
from tests.unit.test_events_codec import MINIMAL
from tests.unit.test_events_patterns import BAD_STRINGS, patterns_in

SEED = load_seed()
SEED_FACTS = [s for s in SEED if s.type not in events.AMENDING_TYPES]
ALL_TYPES = list(events.EVENT_TYPES)
ID = re.compile(ID_PATTERN)


def data_of(seed_event) -> dict[str, Any]:
    return msgspec.json.decode(seed_event.data)


def form_of(event_type: str) -> forms.FactForm:
    if event_type in events.AMENDING_TYPES:
        return forms.amendment_form(event_type)
    return forms.form_for(event_type)


def round_trip(event_type: str, data: dict[str, Any]) -> dict[str, Any]:
    form = forms.form_for(event_type)
    return forms.event_data(form, forms.form_values(form, data))


# --- the menu and the forms ------------------------------------------------------------------

def test_the_menu_is_every_type_of_the_union_but_sources_and_amendments():
    assert forms.menu() == [
        "agency.registered", "organization.registered", "person.registered",
        "initiative.announced", "initiative.status_changed", "meeting.held", "statement.made",
    ]
    assert forms.menu() == [t for t in events.EVENT_TYPES if t not in forms.MENU_LEFT_OUT]


@pytest.mark.parametrize("event_type", ALL_TYPES)
def test_every_type_of_the_union_has_a_form_of_all_its_fields(event_type):
    form = form_of(event_type)
    struct_fields = [f.name for f in mi.type_info(events.EVENT_TYPES[event_type]).fields]
    left_out = {"target", "changes"} if event_type in events.AMENDING_TYPES else set()
    assert [f.key for f in form.fields] == [f for f in struct_fields if f not in left_out]
    for path, field in forms.walk_fields(form):
        assert field.label[0] and field.label[1], path
        if field.kind == "list":
            assert field.item is not None
        if field.kind == "record":
            assert field.fields
        if field.kind == "choice":
            assert field.choices and len(field.options) == len(field.choices)


def test_a_correction_is_not_a_form_of_its_own_fields():
    with pytest.raises(TypeError, match="changes"):
        forms.form_for("fact.corrected")
    with pytest.raises(events.UnknownEventType):
        forms.form_for("meeting.cancelled")


def kinds_at(form: forms.FactForm) -> dict[str, tuple]:
    return {
        path: (field.kind, field.required, field.refers_to, field.kind_in, field.kinds)
        for path, field in forms.walk_fields(form)
    }


def test_the_fields_say_their_kinds_and_what_they_refer_to():
    meeting = kinds_at(forms.form_for("meeting.held"))
    assert meeting["meeting_id"] == ("id", True, None, None, ())
    assert meeting["organiser"] == ("reference", True, "agency", None, ("agency",))
    assert meeting["title_ko"][:2] == ("text", True)
    assert meeting["title_en"][:2] == ("text", False)
    assert meeting["title_is_official"][:2] == ("boolean", False)
    assert meeting["kind"][:2] == ("choice", True)
    assert meeting["attendees"][:2] == ("list", False)
    assert meeting["attendees.id"] == (
        "reference", True, None, "kind", ("agency", "organization", "person")
    )
    assert meeting["attendee_count"][:2] == ("record", False)
    assert meeting["attendee_count.value"][:2] == ("number", True)
    assert meeting["occurred"][:2] == ("record", True)
    assert meeting["occurred.date"][:2] == ("date", True)
    assert meeting["place.url"][:2] == ("url", False)
    assert meeting["summary_ko"][:2] == ("long_text", False)
    assert meeting["evidence"][:2] == ("list", True)
    assert meeting["evidence.source_id"] == ("reference", True, "source", None, ("source",))
    statement = kinds_at(forms.form_for("statement.made"))
    assert statement["speaker.id"] == (
        "reference", False, None, "kind", ("agency", "organization", "person")
    )  # a group speaker is no entity: it has no id
    assert statement["meeting"] == ("reference", False, "meeting", None, ("meeting",))
    assert statement["related_initiatives"][:2] == ("list", False)
    changed = kinds_at(forms.form_for("initiative.status_changed"))
    # A status change continues its initiative: its id must name a registered one.
    assert changed["initiative_id"] == ("reference", True, "initiative", None, ("initiative",))
    person = kinds_at(forms.form_for("person.registered"))
    assert person["affiliations.id"][4] == ("agency", "organization")


def test_every_reference_the_write_side_checks_is_a_reference_field():
    """For every seed fact: the ids ``references()`` gives (the write side's checks) are
    exactly the values of the form's reference fields (and, for a status change, its own
    initiative, which the checks look up as the stream it continues)."""
    for seed in SEED_FACTS:
        fact = events.decode_event(seed.type, seed.data)
        form = forms.form_for(seed.type)
        data = msgspec.to_builtins(fact)
        found = set()
        for ref in fact.references():
            named = forms.fields_naming(form, data, ref.kind, ref.id)
            assert named, (seed.stream_id, ref)
            found.update(named)
        references = {
            name for name, field in walk_values(form, data) if field.kind == "reference"
        }
        assert references == found or (
            seed.type == "initiative.status_changed" and references - found == {"initiative_id"}
        ), seed.stream_id


def walk_values(form: forms.FactForm, data: dict):
    """(name, field) of every field that has a value in ``data``."""
    def walk(fields, value, name):
        for field in fields:
            if isinstance(value, dict) and value.get(field.key) is not None:
                yield from one(field, value[field.key], f"{name}{field.key}")

    def one(field, value, name):
        yield name, field
        if field.kind == "record":
            yield from walk(field.fields, value, name + ".")
        elif field.kind == "list":
            for index, item in enumerate(value):
                yield from one(field.item, item, f"{name}.{index}")

    yield from walk(form.fields, data, form.prefix)


def test_labels_are_words_and_pairs_sit_side_by_side():
    assert forms.label_for("name_ko") == ("이름 (한국어)", "Name (Korean)")
    assert forms.label_for("attendee_count") == ("참석 인원", "Head count")
    assert forms.label_for("person_id") == ("인물 ID", "Person ID")
    assert forms.label_for("budget_total_en") == ("Budget total (영어)", "Budget total (English)")
    rows = [[f.key for f in row] for row in forms.form_for("agency.registered").rows]
    assert ["name_ko", "name_en"] in rows and ["short_ko", "short_en"] in rows
    statement = [[f.key for f in row] for row in forms.form_for("statement.made").rows]
    assert ["text", "text_en"] in statement
    assert forms.form_for("statement.made").find("text").lang == "ko"


def test_choices_keep_the_vocabularys_order_with_words():
    kind = forms.form_for("agency.registered").find("kind")
    assert kind.choices == ("government", "ministry", "commission", "agency", "office", "council", "other")
    assert kind.options[1] == ("ministry", "부처", "ministry")
    status = forms.form_for("initiative.announced").find("status")
    assert status.choices[0] == "planned"


# --- a new event type gets its form -------------------------------------------------------------

class HearingScheduled(Event, kw_only=True):
    """A made-up type: added to the union, it must appear in the desk with no desk code."""

    TYPE: ClassVar[str] = "hearing.scheduled"
    STREAM: ClassVar[str] = "hearing"
    KEY: ClassVar[str] = "hearing_id"

    hearing_id: Id
    agency: AgencyId
    title_ko: Text
    title_en: Text | None = None
    witnesses: tuple[ActorRef, ...] = ()
    public: bool = True
    occurred: Occurred
    evidence: EvidenceList


@pytest.fixture
def with_hearings(monkeypatch):
    monkeypatch.setitem(events.EVENT_TYPES, HearingScheduled.TYPE, HearingScheduled)
    monkeypatch.setattr(events, "CREATING_TYPES", events.CREATING_TYPES | {HearingScheduled.TYPE})


def test_a_new_type_in_the_union_is_in_the_menu_with_its_form(with_hearings):
    assert forms.menu()[-1] == "hearing.scheduled"
    form = forms.form_for("hearing.scheduled")
    fields = kinds_at(form)
    assert fields["agency"] == ("reference", True, "agency", None, ("agency",))
    assert fields["witnesses.id"][3:] == ("kind", ("agency", "organization", "person"))
    assert fields["public"][:2] == ("boolean", False)
    assert form.find("public").default is True
    data = {
        "agency": "pipc", "title_ko": "청문회", "title_en": "AI hearing",
        "witnesses": [{"kind": "person", "id": "ko-hak-soo"}],
        "public": True,
        "occurred": {"date": "2025-04"}, "evidence": [{"source_id": SOURCE_ID, "quote": "간담회"}],
    }
    data = forms.with_proposed_key("hearing.scheduled", data)
    assert data["hearing_id"] == "pipc-ai-hearing"
    assert forms.stream_for("hearing.scheduled", data) == "hearing-pipc-ai-hearing"
    for public in (True, False):  # a box whose default is checked, unchecked, is false
        data["public"] = public
        back = round_trip("hearing.scheduled", data)
        assert events.convert_event("hearing.scheduled", back) == events.convert_event("hearing.scheduled", data)
        assert back["public"] is public
    assert forms.reference_kinds(form) == ["agency", "organization", "person", "source"]


# --- what is submitted is the data again ---------------------------------------------------------

@pytest.mark.parametrize("seed", SEED_FACTS, ids=[s.stream_id for s in SEED_FACTS])
def test_each_seed_fact_rendered_into_fields_and_read_back_is_the_same_fact(seed):
    data = data_of(seed)
    back = round_trip(seed.type, data)
    assert events.convert_event(seed.type, back) == events.decode_event(seed.type, seed.data)
    # Only what is given: no nulls, no empty strings or lists, no unchecked boxes.
    assert set(back) == {k for k, v in data.items() if v not in (None, [], False)}


def test_the_names_are_dotted_paths_with_indices():
    data = data_of(next(s for s in SEED if s.stream_id == "meeting-mss-workforce-policy-review"))
    submitted = forms.form_values(forms.form_for("meeting.held"), data)
    assert submitted["occurred.date"] == ["2025-03"]
    assert submitted["attendees.2.id"] == ["seo-ji-ho"]
    assert submitted["evidence.0.source_id"] == [SOURCE_ID]
    assert submitted["topics.0"] == [data["topics"][0]]
    assert submitted["title_is_official"] == ["true"]


def test_empty_rows_gaps_and_other_names_are_left_out():
    form = forms.form_for("meeting.held")
    submitted = {
        "csrf_token": ["x"], "meeting_id": ["m"], "organiser": ["pipc"], "title_ko": ["간담회"],
        "title_en": ["   "], "kind": ["roundtable"], "occurred.date": ["2025-03-24"],
        "occurred.original": [""], "attendees.0.kind": [""], "attendees.0.id": [""],
        "attendees.7.kind": ["person"], "attendees.7.id": ["ko-hak-soo"],
        "attendees.__new__.id": ["from a template"],
        "attendee_count.value": [""], "topics.0": [""], "topics.10": ["privacy"],
        "topics.3": ["open-source-ai"], "topics.x": ["not an index"],
        "evidence.1.source_id": [SOURCE_ID], "evidence.1.quote": ["간담회에는\r\n국내"],
        "evidence.1.prefix": [""],
    }
    assert forms.event_data(form, submitted) == {
        "meeting_id": "m", "organiser": "pipc", "title_ko": "간담회", "kind": "roundtable",
        "attendees": [{"kind": "person", "id": "ko-hak-soo"}],
        "topics": ["open-source-ai", "privacy"],  # by index: 3 before 10
        "occurred": {"date": "2025-03-24"},
        "evidence": [{"source_id": SOURCE_ID, "quote": "간담회에는\n국내"}],
    }


# Values a browser can send: no NUL (the vocabulary refuses it), no CR (a text area's line ends
# arrive as CR LF and are read as LF), no line break in a one-line input (a browser drops it).
LINE = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00\r\n"), min_size=1, max_size=12)
PARAGRAPH = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00\r"), min_size=1, max_size=30)
DATES = st.dates(datetime.date(1990, 1, 1), datetime.date(2040, 12, 31)).flatmap(
    lambda day: st.sampled_from([day.isoformat(), day.isoformat()[:7], day.isoformat()[:4]])
)


def strategy(info: Any, field: forms.FormField) -> st.SearchStrategy:
    """Valid values for a msgspec type (the vocabulary's own, read independently of the
    form), text one-line or not as the form's input for it."""
    if isinstance(info, mi.Metadata):
        return strategy(info.type, field)
    if isinstance(info, mi.UnionType):
        return st.one_of([strategy(t, field) for t in info.types])
    if isinstance(info, mi.NoneType):
        return st.none()
    if isinstance(info, mi.StrType):
        if info.pattern == DATE_PATTERN:
            return DATES
        if info.pattern:
            return st.from_regex(info.pattern, fullmatch=True).filter(lambda s: "\n" not in s)
        return (PARAGRAPH if field.long else LINE).filter(lambda s: s.strip())
    if isinstance(info, mi.BoolType):
        return st.booleans()
    if isinstance(info, mi.IntType):
        return st.integers(min_value=info.ge or 0, max_value=10**6)
    if isinstance(info, mi.LiteralType):
        return st.sampled_from(info.values)
    if isinstance(info, mi.UUIDType):
        return st.uuids().map(str)
    if isinstance(info, mi.VarTupleType):
        return st.lists(strategy(info.item_type, field.item), min_size=info.min_length or 0, max_size=3)
    if isinstance(info, mi.StructType):
        required = {f.name: strategy(f.type, field.find(f.name)) for f in info.fields if f.required}
        optional = {f.name: strategy(f.type, field.find(f.name)) for f in info.fields if not f.required}
        return st.fixed_dictionaries(required, optional=optional)
    raise AssertionError(f"no strategy for {info}")


def valid(event_type: str, data: dict) -> dict:
    """The cross-field rules the types cannot say (a speaker's id, a verbatim text, a source's
    sha256), applied: most drawn data is then a valid event."""
    speaker = data.get("speaker")
    if speaker is not None:
        if speaker["kind"] == "group":
            speaker.pop("id", None)
            speaker.setdefault("description_ko", "기업들")
        else:
            speaker["id"] = speaker.get("id") or "ko-hak-soo"
            speaker["members"] = []
    if event_type == "statement.made":
        if data.get("verbatim"):
            data["text"] = data["evidence"][0]["quote"]
        if data.get("occurred") is None and data.get("meeting") is None:
            data["meeting"] = "roundtable"
    if event_type == "source.registered":
        data["sha256"] = events.sha256_text(data["text"])
    return data


def drawn_facts(event_type: str) -> st.SearchStrategy:
    form = form_of(event_type)
    cls = events.EVENT_TYPES[event_type]
    record = forms.FormField(key="", label=("", ""), kind="record", required=True, fields=form.fields)
    info = mi.type_info(cls)
    kept = mi.StructType(cls=cls, fields=tuple(f for f in info.fields if record.find(f.name)),
                         tag_field=None, tag=None, array_like=False, forbid_unknown_fields=True)
    return strategy(kept, record).map(lambda data: valid(event_type, data))


@pytest.mark.parametrize("event_type", [t for t in ALL_TYPES if t != "fact.corrected"])
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_valid_fact_read_back_from_its_form_is_the_same_fact(event_type, data):
    fact = data.draw(drawn_facts(event_type))
    try:
        expected = events.convert_event(event_type, {"target": str(uuid.uuid4()), **fact}
                                        if event_type in events.AMENDING_TYPES else fact)
    except events.InvalidEvent:
        assume(False)
    form = form_of(event_type)
    back = forms.event_data(form, forms.form_values(form, fact))
    if event_type in events.AMENDING_TYPES:
        back["target"] = str(expected.target)
    assert events.convert_event(event_type, back) == expected


# --- the template: what a browser submits from it --------------------------------------------------

ENVIRONMENT = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, trim_blocks=True,
    lstrip_blocks=True, undefined=jinja2.StrictUndefined,
)
PAGE = ENVIRONMENT.from_string(
    '{% from "_fact_form.html" import fact_form, datalists %}'
    "<form>{{ fact_form(form, values, errors, blank) }}</form>{{ datalists(form, entities) }}"
)


def render(form, values=None, errors=None, blank=1, entities=None) -> str:
    return PAGE.render(form=form, values=values or {}, errors=errors or {}, blank=blank,
                       entities=entities or {})


class Browser(HTMLParser):
    """What a browser submits from a form (inputs outside <template>, checked boxes, selected
    options, text areas with CR LF), and what it draws: ids, labels, attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.submitted: dict[str, list[str]] = {}
        self.controls: list[dict[str, str]] = []
        self.labels: set[str] = set()
        self.attributes: list[tuple[str, str, str]] = []
        self.tags: list[str] = []
        self.in_template = 0
        self.select: dict | None = None
        self.option: dict | None = None
        self.textarea: dict | None = None
        self.fieldsets: list[bool] = []

    def handle_starttag(self, tag, attrs):
        a = {k: v if v is not None else "" for k, v in attrs}
        self.tags.append(tag)
        self.attributes += [(tag, k, v) for k, v in a.items()]
        if tag == "template":
            self.in_template += 1
        if tag == "label" and "for" in a:
            self.labels.add(a["for"])
        if tag == "fieldset":
            self.fieldsets.append(False)
        if tag == "legend" and self.fieldsets:
            self.fieldsets[-1] = True
        if tag in ("input", "select", "textarea"):
            self.controls.append({**a, "tag": tag, "in_template": str(self.in_template)})
        if self.in_template:
            return
        if tag == "input" and "name" in a and "disabled" not in a:
            if a.get("type") == "checkbox":
                if "checked" in a:
                    self.submitted.setdefault(a["name"], []).append(a.get("value", "on"))
            else:
                self.submitted.setdefault(a["name"], []).append(a.get("value", ""))
        elif tag == "select":
            self.select = {"name": a.get("name"), "value": None, "first": None}
        elif tag == "option" and self.select is not None:
            self.option = a
            if self.select["first"] is None:
                self.select["first"] = a.get("value", "")
            if "selected" in a:
                self.select["value"] = a.get("value", "")
        elif tag == "textarea":
            self.textarea = {"name": a.get("name"), "text": ""}

    def handle_endtag(self, tag):
        if tag == "template":
            self.in_template -= 1
        if tag == "fieldset":
            assert self.fieldsets.pop(), "a fieldset without its legend"
        if self.in_template:
            return
        if tag == "select" and self.select is not None:
            value = self.select["value"] if self.select["value"] is not None else self.select["first"]
            self.submitted.setdefault(self.select["name"], []).append(value or "")
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            text = self.textarea["text"]
            text = text[1:] if text.startswith("\n") else text  # as HTML parsing drops it
            self.submitted.setdefault(self.textarea["name"], []).append(text.replace("\n", "\r\n"))
            self.textarea = None

    def handle_data(self, data):
        if self.textarea is not None and not self.in_template:
            self.textarea["text"] += data


def browse(html: str) -> Browser:
    browser = Browser()
    browser.feed(html)
    browser.close()
    return browser


@pytest.mark.parametrize("seed", SEED_FACTS, ids=[s.stream_id for s in SEED_FACTS])
def test_a_seed_fact_drawn_in_its_form_and_submitted_is_the_same_fact(seed):
    form = forms.form_for(seed.type)
    browser = browse(render(form, data_of(seed)))
    back = forms.event_data(form, browser.submitted)
    assert events.convert_event(seed.type, back) == events.decode_event(seed.type, seed.data)


@pytest.mark.parametrize("event_type", forms.menu())
def test_the_form_is_accessible_and_needs_no_inline_script(event_type):
    form = forms.form_for(event_type)
    html = render(form, blank=2, errors={"evidence.0.quote": "the quote is not in the source"})
    browser = browse(html)
    ids = [v for _, k, v in browser.attributes if k == "id"]
    assert len(ids) == len(set(ids)), "ids are unique"
    for control in browser.controls:
        if control["in_template"] == "0":
            assert control["id"] in browser.labels, f"{control['name']} has its label"
            assert control["name"].startswith(tuple(f.key for f in form.fields))
    assert "script" not in browser.tags
    assert not [a for a in browser.attributes if a[1] == "style" or a[1].startswith("on")]
    for _, name, value in browser.attributes:
        if name == "aria-describedby":
            assert all(part in ids for part in value.split()), value
    quote = next(c for c in browser.controls if c["name"] == "evidence.0.quote")
    assert quote["aria-invalid"] == "true"
    assert "field-evidence.0.quote-error" in quote["aria-describedby"].split()
    # the first row of a list of at least one (a fact's evidence, not a registration's)
    assert ("required" in quote) == (form.find("evidence").min_items > 0)
    assert 'class="error" id="field-evidence.0.quote-error"' in html
    # Every list can add a row (desk.js copies its template) and its rows be removed.
    lists = [f for _, f in forms.walk_fields(form) if f.kind == "list"]
    assert html.count("data-add hidden") == len(lists)
    assert html.count("<template data-row-template>") == len(lists)


def test_an_optional_records_and_extra_rows_fields_are_not_required_by_the_browser():
    html = render(forms.form_for("meeting.held"), blank=2)
    controls = {c["name"]: c for c in browse(html).controls}
    assert "required" in controls["occurred.date"]
    assert "required" not in controls["attendee_count.value"]  # in an optional record
    assert "required" not in controls["place.name_ko"]
    assert "required" in controls["evidence.0.quote"]  # evidence needs one
    assert "required" not in controls["evidence.1.quote"]  # a row more may stay empty
    assert "required" not in controls["meeting_id"]  # left empty, it is proposed
    assert controls["attendees.__new__.id"]["in_template"] == "1"


def test_constraints_reach_the_browser():
    controls = {c["name"]: c for c in browse(render(forms.form_for("agency.registered"))).controls}
    assert controls["agency_id"]["pattern"] == r"[a-z0-9][a-z0-9\-]{0,62}"
    assert controls["country"]["pattern"] == "[A-Z]{2}"
    assert controls["parent"]["list"] == "refs-agency"
    meeting = {c["name"]: c for c in browse(render(forms.form_for("meeting.held"))).controls}
    assert meeting["attendee_count.value"]["type"] == "number" and meeting["attendee_count.value"]["min"] == "0"
    assert meeting["place.url"]["type"] == "url"
    assert meeting["attendees.0.id"]["data-kind-from"] == "attendees.0.kind"
    assert meeting["attendees.0.id"]["list"] == "refs-agency-organization-person"


def test_references_suggest_the_registered_entities():
    form = forms.form_for("meeting.held")
    html = render(form, entities={"person": [("oh-young-ju", "오영주 (Oh Young-ju)")], "agency": [("mss", "중기부")]})
    assert '<datalist id="refs-person">' in html
    assert '<option value="oh-young-ju">오영주 (Oh Young-ju)</option>' in html
    assert '<option value="oh-young-ju">오영주 (Oh Young-ju) (person)</option>' in html  # the mixed list
    assert '<datalist id="refs-source">' in html


VOCABULARY_PATTERNS = sorted(patterns_in(msgspec.json.schema_components(events.EVENT_TYPES.values())[1]))
EXAMPLES = [
    "mss", "pipc-ai-startup-roundtable", "-mss", "MSS", "a" * 63, "a" * 64, "mss\n", "2025",
    "2025-03", "2025-03-24", "2025-3", "ko", "en-GB", "zh-Hant", "KR", "kr", "e" * 64,
    "https://www.pipc.go.kr/", "http://[::1]:8080/a?b#c", "javascript:alert(1)", "https://a b",
    "occurred", "Occurred", "title_ko", "a-", "a/b", "https://x/y/z",
]


@pytest.mark.parametrize("regex", VOCABULARY_PATTERNS)
def test_every_vocabulary_pattern_reads_the_same_in_the_browser(regex):
    html = forms.html_pattern(regex)
    for example in EXAMPLES:
        assert bool(re.fullmatch(html, example)) == bool(re.search(regex, example)), (regex, example)
    node = shutil.which("node")
    if node is None:
        pytest.skip("no node to compile the pattern as a browser does")
    # Browsers compile a pattern attribute as new RegExp("^(?:" + p + ")$", "v").
    script = "new RegExp('^(?:' + process.argv[1] + ')$', 'v')"
    compiled = subprocess.run([node, "-e", script, html], capture_output=True, text=True, timeout=30)
    assert compiled.returncode == 0, compiled.stderr


def test_a_literal_hyphen_is_escaped_and_a_range_is_not():
    assert forms.html_pattern(r"^[a-z0-9-]{1,3}(?!\n)$") == r"[a-z0-9\-]{1,3}"
    assert forms.html_pattern(r"^[-a]$") == r"[\-a]"
    assert forms.html_pattern(r"^[^/?#]+$") == r"[^\/?#]+"
    assert forms.html_pattern(r"^[\x00-\x20]$") == r"[\x00-\x20]"


# --- errors at their fields --------------------------------------------------------------------

FORMED = sorted(case for case, (event_type, _, _) in BAD_STRINGS.items() if event_type != "fact.corrected")
"""A correction's ``changes`` are the fact's fields, not fields of their own."""


@pytest.mark.parametrize("case", FORMED, ids=FORMED)
def test_each_refused_string_is_shown_at_its_field(case):
    event_type, data, message = BAD_STRINGS[case]
    name = forms.error_field(message)
    assert name is not None
    assert name in forms.form_values(form_of(event_type), data), name


@pytest.mark.parametrize(
    ("event_type", "changes", "field"),
    [
        ("meeting.held", {"title_ko": None}, "title_ko"),
        ("meeting.held", {"occurred": {"date": "2025-02-30"}}, "occurred"),
        ("meeting.held", {"occurred": {}}, "occurred.date"),
        ("meeting.held", {"attendee_count": {"value": -1}}, "attendee_count.value"),
        ("meeting.held", {"attendee_count": {"approximate": True}}, "attendee_count.value"),
        ("meeting.held", {"attendees": [{"kind": "person", "id": "a"}, {"kind": "robot", "id": "b"}]}, "attendees.1.kind"),
        ("meeting.held", {"evidence": []}, "evidence"),
        ("meeting.held", {"evidence": [{"source_id": SOURCE_ID, "quote": " "}]}, "evidence.0.quote"),
        ("meeting.held", {"place": {"name_ko": "곳", "name_en": "a place", "url": "javascript:x"}}, "place.url"),
        ("statement.made", {"speaker": {"kind": "group"}}, "speaker"),
        ("statement.made", {"occurred": None}, "occurred"),
        ("statement.made", {"verbatim": True, "text": "기사에 없는 말"}, "text"),
        ("statement.made", {"kind": "rumour"}, "kind"),
    ],
)
def test_each_error_of_the_vocabulary_is_shown_at_its_field(event_type, changes, field):
    data = {**MINIMAL[event_type], **changes}
    data = {k: v for k, v in data.items() if v is not None}
    with pytest.raises(events.InvalidEvent) as refused:
        events.convert_event(event_type, data)
    assert forms.error_field(refused.value.message) == field, refused.value.message
    assert forms.form_for(event_type).field_at(field) is not None
    assert forms.error_field(refused.value.message, "correction.") == f"correction.{field}"


def test_the_write_sides_refusals_are_shown_at_their_fields():
    text = "간담회에서 말했다. 간담회에서 또 말했다."
    known = KnownFacts(openings={"source-s": uuid.uuid4(), "agency-pipc": uuid.uuid4()},
                       source_texts={"s": text})
    data = {**MINIMAL["meeting.held"], "evidence": [
        {"source_id": "s", "quote": "말했다. 간담회"}, {"source_id": "s", "quote": "간담회에서"}
    ]}
    with pytest.raises(BadFact) as ambiguous:
        check_batch("meeting-roundtable", [(uuid.uuid4(), events.convert_event("meeting.held", data))], known)
    assert ambiguous.value.slug == "ambiguous-quote"
    assert forms.error_field(ambiguous.value.detail) == "evidence.1"
    data["attendees"] = [{"kind": "person", "id": "nobody"}]
    with pytest.raises(BadFact) as unknown:
        check_batch("meeting-roundtable", [(uuid.uuid4(), events.convert_event("meeting.held", data))], known)
    missing = unknown.value.extra["missing"]
    assert forms.error_field(unknown.value.detail) is None  # the fact as a whole...
    # ...and the field that names the missing entity:
    assert forms.fields_naming(forms.form_for("meeting.held"), data, missing["kind"], missing["id"]) == ["attendees.0.id"]
    # The same id for two kinds: only the field of the missing kind is named.
    two = {**data, "attendees": [{"kind": "organization", "id": "moreh"}, {"kind": "person", "id": "moreh"}]}
    assert forms.fields_naming(forms.form_for("meeting.held"), two, "person", "moreh") == ["attendees.1.id"]
    detail = "events[0].changes.evidence[0]: the quote is not in source 's' (the changes applied)"
    assert forms.error_field(detail, "correction.", changes_prefix="") == "evidence.0"
    assert forms.error_field("events[0].evidence[0]: unknown source 'x'", "correction.", changes_prefix="") == "correction.evidence.0"


# --- ids and streams ---------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", [s for s in SEED_FACTS if s.type in events.CREATING_TYPES],
                         ids=lambda s: s.stream_id)
def test_the_stream_is_the_vocabularys_and_the_proposed_id_fits_it(seed):
    data = data_of(seed)
    fact = events.decode_event(seed.type, seed.data)
    assert forms.stream_for(seed.type, data) == fact.stream_id() == seed.stream_id
    key = events.EVENT_TYPES[seed.type].KEY
    unnamed = {k: v for k, v in data.items() if k != key}
    proposed = forms.proposed_key(seed.type, unnamed)
    assert ID.search(proposed), proposed
    fact_with_it = events.convert_event(seed.type, forms.with_proposed_key(seed.type, unnamed))
    assert fact_with_it.stream_id() == forms.stream_for(seed.type, {key: proposed})


def test_ids_are_proposed_from_the_english_names():
    assert forms.proposed_id("Seo Ji-ho") == "seo-ji-ho"
    assert forms.proposed_id("MSS") == "mss"
    assert forms.proposed_id(None, "Scatter Lab", "스캐터랩") == "scatter-lab"
    assert forms.proposed_id("Ｓｃａｔｔｅｒ　Ｌａｂ") == "scatter-lab"  # full-width
    assert forms.proposed_id("Café Müller") == "cafe-muller"
    assert forms.proposed_id("Ministry of SMEs and Startups") == "ministry-smes-startups"
    assert forms.proposed_id("The Of") == "the-of"  # stop words alone are kept
    long = forms.proposed_id("m" * 40, context="c" * 24)  # 24 + 1 + 40: cut to an id's 63
    assert long == "c" * 24 + "-" + "m" * 38
    assert forms.proposed_id("m" * 40, context="c" * 24, taken={long}) == "c" * 24 + "-" + "m" * 36 + "-2"
    assert forms.proposed_id("AI startup roundtable", context="pipc") == "pipc-ai-startup-roundtable"
    assert forms.proposed_id("Seo Ji-ho", taken={"seo-ji-ho", "seo-ji-ho-2"}) == "seo-ji-ho-3"
    agency = {"name_ko": "중소벤처기업부", "name_en": "Ministry of SMEs and Startups", "short_en": "MSS"}
    assert forms.proposed_key("agency.registered", agency) == "mss"
    statement = {"speaker": {"kind": "person", "id": "ko-hak-soo"}, "kind": "pledge"}
    assert forms.proposed_key("statement.made", statement, taken={"ko-hak-soo-pledge"}) == "ko-hak-soo-pledge-2"
    assert forms.proposed_key("initiative.status_changed", {"status": "published"}) is None


def test_a_korean_only_name_is_not_romanised_but_hashed_the_same_every_time():
    first = forms.proposed_id("오영주", kind="person")
    assert re.fullmatch(r"person-[0-9a-f]{8}", first)
    assert forms.proposed_id("오영주", kind="person") == first
    assert forms.proposed_id(" 오영주 ", kind="person") == first
    assert forms.proposed_id("고학수", kind="person") != first
    assert forms.proposed_key("person.registered", {"name_ko": "오영주"}) == first


@given(names=st.lists(st.text(max_size=80), max_size=3), context=st.none() | st.text(max_size=30),
       taken=st.sets(st.text(max_size=5), max_size=3))
def test_a_proposed_id_always_fits_the_vocabulary(names, context, taken):
    proposed = forms.proposed_id(*names, kind="person", context=context, taken=taken)
    assert ID.search(proposed), proposed
    assert proposed not in taken


# --- evidence from a selection ---------------------------------------------------------------------

def test_a_quote_that_occurs_once_needs_no_context():
    for seed in SEED_FACTS:
        for evidence in data_of(seed).get("evidence", ()):
            start = ARTICLE_TEXT.index(evidence["quote"])
            proposed = forms.evidence_from_selection(ARTICLE_TEXT, start, start + len(evidence["quote"]), SOURCE_ID)
            assert proposed == {"source_id": SOURCE_ID, "quote": evidence["quote"]}


@pytest.mark.parametrize("quote", ["AI", "간담회", "오픈소스", "중기부는", "말했다", "정부", "스타트업"])
def test_a_repeated_quote_gets_the_context_that_singles_out_each_occurrence(quote):
    spans = events.occurrences(quote, ARTICLE_TEXT)
    assert len(spans) > 1
    for start, end in spans:
        proposed = forms.evidence_from_selection(ARTICLE_TEXT, start, end, SOURCE_ID)
        assert proposed["quote"] == quote
        assert "prefix" in proposed or "suffix" in proposed
        evidence = events.Evidence(**proposed)
        check_quote_located(evidence, ARTICLE_TEXT, "evidence[0]", 0)  # the write side's check
        assert events.locate(evidence, ARTICLE_TEXT) == (start, end)
        # and a fact may carry it (its context is non-blank text)
        events.convert_event("meeting.held", {**MINIMAL["meeting.held"], "evidence": [proposed]})
        # whole words: the context ends at white space or the text's edge
        if "prefix" in proposed:
            before = ARTICLE_TEXT[: start - len(proposed["prefix"])]
            assert not before or before[-1].isspace() or len(proposed["prefix"]) > 20


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_any_selection_of_the_article_gives_evidence_the_write_side_accepts(data):
    start = data.draw(st.integers(0, len(ARTICLE_TEXT) - 1))
    end = data.draw(st.integers(start + 1, min(len(ARTICLE_TEXT), start + 12)))
    assume(ARTICLE_TEXT[start:end].strip())
    proposed = forms.evidence_from_selection(ARTICLE_TEXT, start, end, SOURCE_ID)
    repeats = len(events.occurrences(ARTICLE_TEXT[start:end], ARTICLE_TEXT)) > 1
    assert ("prefix" in proposed or "suffix" in proposed) == repeats
    evidence = events.Evidence(**proposed)
    check_quote_located(evidence, ARTICLE_TEXT, "evidence[0]", 0)
    assert events.locate(evidence, ARTICLE_TEXT) == (start, end)


@settings(max_examples=300, deadline=None)
@given(text=st.text("ab \n", min_size=1, max_size=30), data=st.data())
def test_any_selection_of_a_repetitive_text_is_singled_out_or_said_impossible(text, data):
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    assume(text[start:end].strip())
    try:
        proposed = forms.evidence_from_selection(text, start, end)
    except ValueError:
        # Only when no non-blank context, however long, singles it out.
        assert not any(
            events.locate(events.Evidence(source_id="s", quote=text[start:end], prefix=p or None, suffix=s or None), text) == (start, end)
            for i in range(start + 1) for j in range(len(text) - end + 1)
            for p, s in [(text[start - i : start], text[end : end + j])]
            if (not p or p.strip()) and (not s or s.strip())
        )
        return
    for context in ("prefix", "suffix"):
        assert context not in proposed or proposed[context].strip()
    evidence = events.Evidence(source_id="s", **proposed)
    check_quote_located(evidence, text, "evidence[0]", 0)
    assert events.locate(evidence, text) == (start, end)


def test_a_selection_must_be_inside_the_text_and_not_blank():
    for start, end in [(-1, 2), (3, 3), (5, 2), (0, len(ARTICLE_TEXT) + 1)]:
        with pytest.raises(ValueError):
            forms.evidence_from_selection(ARTICLE_TEXT, start, end)
    with pytest.raises(ValueError, match="blank"):
        forms.evidence_from_selection("가 \n 나", 1, 4)


# --- corrections -------------------------------------------------------------------------------------

def seed_corrections() -> list[tuple[str, dict, dict]]:
    """(type, the fact as corrected before, the changes) of each correction in the seed."""
    facts = {s.id: (s.type, data_of(s)) for s in SEED_FACTS}
    found = []
    for seed in SEED:
        if seed.type == "fact.corrected":
            correction = data_of(seed)
            target = uuid.UUID(correction["target"])
            event_type, current = facts[target]
            found.append((event_type, current, correction["changes"]))
            facts[target] = (event_type, events.corrected_data(current, correction["changes"]))
    return found


@pytest.mark.parametrize("case", seed_corrections(), ids=lambda c: f"{c[0]}-{sorted(c[2])}")
def test_a_seed_correction_made_in_the_form_gives_its_changes(case):
    event_type, current, seed_changes = case
    form = forms.correction_form(event_type, current)
    corrected = events.corrected_data(form.values, seed_changes)
    html = render(form.fact, corrected)
    submitted = browse(html).submitted
    submitted.update({"correction.reason": ["a later report"],
                      "correction.evidence.0.source_id": [SOURCE_ID],
                      "correction.evidence.0.quote": ["간담회"]})
    data = forms.correction_data(form, submitted, target="9164f8a6-0ae9-5a52-a63f-053718cc507a")
    expected = msgspec.json.decode(msgspec.json.encode(events.convert_event(event_type, corrected)))
    assert data["changes"] == {k: expected[k] for k in seed_changes if expected[k] != form.values.get(k)}
    assert data["reason"] == "a later report"
    correction = events.convert_event("fact.corrected", data)
    target = events.convert_event(event_type, current)
    assert events.apply_changes(target, correction.changes) == events.convert_event(event_type, corrected)


def test_the_correction_form_shows_the_fact_as_now_corrected_with_its_id_fixed():
    seed = next(s for s in SEED if s.stream_id == "statement-pipc-ko-hak-soo-open-source-remarks")
    current = events.corrected_data(data_of(seed), {"meeting": "pipc-ai-startup-roundtable"})
    form = forms.correction_form("statement.made", current)
    assert form.values["meeting"] == "pipc-ai-startup-roundtable"
    assert form.fact.find("statement_id").fixed
    controls = {c["name"]: c for c in browse(render(form.fact, form.values)).controls}
    assert "readonly" in controls["statement_id"]
    assert [f.key for f in form.correction.fields] == ["reason", "evidence"]
    assert form.correction.prefix == "correction."


def test_changes_are_only_the_changed_top_level_fields():
    data = data_of(next(s for s in SEED if s.stream_id == "meeting-pipc-ai-startup-roundtable"))
    assert forms.changes("meeting.held", data, data) == {}
    lean = round_trip("meeting.held", data)  # nulls, empty lists and false left out
    assert forms.changes("meeting.held", data, lean) == {}
    moved = {**data, "occurred": {"date": "2025-03-25"}, "title_en": None}
    assert forms.changes("meeting.held", data, moved) == {
        "occurred": {"date": "2025-03-25", "approximate": False, "original": None},
        "title_en": None,
    }
    one_more = {**data, "topics": [*data["topics"], "privacy"]}
    assert forms.changes("meeting.held", data, one_more) == {"topics": [*data["topics"], "privacy"]}
    with pytest.raises(events.InvalidEvent):
        forms.changes("meeting.held", data, {**data, "kind": "rumour"})


def test_a_correction_that_changes_nothing_is_refused_before_the_append():
    data = data_of(next(s for s in SEED if s.stream_id == "agency-mss"))
    form = forms.correction_form("agency.registered", data)
    submitted = forms.form_values(form.fact, data)
    with pytest.raises(ValueError, match="nothing changed"):
        forms.correction_data(form, submitted, target=str(uuid.uuid4()))


def test_a_correction_is_accepted_by_the_write_side():
    seed = next(s for s in SEED if s.stream_id == "meeting-pipc-ai-startup-roundtable")
    form = forms.correction_form("meeting.held", data_of(seed))
    submitted = forms.form_values(form.fact, {**form.values, "attendee_count": {"value": 12}})
    submitted.update(forms.form_values(form.correction, {
        "reason": "a later report", "evidence": [{"source_id": SOURCE_ID, "quote": "간담회에는"}],
    }))
    data = forms.correction_data(form, submitted, target=str(seed.id))
    assert data["changes"] == {"attendee_count": {"value": 12, "approximate": False, "original": None}}
    fact = events.decode_event(seed.type, seed.data)
    known = KnownFacts(
        openings={ref.stream_id: uuid.uuid4() for ref in fact.references()},
        source_texts={SOURCE_ID: ARTICLE_TEXT},
        targets={seed.id: Target(seed.stream_id, seed.type, fact)},
    )
    check_batch(seed.stream_id, [(uuid.uuid4(), events.convert_event("fact.corrected", data))], known)


# --- registering on the way --------------------------------------------------------------------------

def test_a_person_and_an_organization_can_be_registered_on_the_way():
    form = forms.form_for("statement.made")
    new = forms.on_the_way_form(form)
    assert [f.key for f in new.fields] == ["organization", "person"]
    submitted = {
        "new.person.0.name_ko": ["오영주"], "new.person.0.name_en": ["Oh Young-ju"],
        "new.person.0.affiliations.0.kind": ["agency"], "new.person.0.affiliations.0.id": ["mss"],
        "new.person.0.affiliations.0.title_ko": ["장관"],
        "new.person.1.name_ko": [""],  # an empty row
        "new.organization.0.name_ko": ["모레"], "new.organization.0.kind": ["company"],
        "new.organization.0.organization_id": ["moreh"],
    }
    found = forms.registrations(form, submitted, taken={"oh-young-ju"})
    assert found == [
        ("organization.registered", {"organization_id": "moreh", "name_ko": "모레", "kind": "company"}),
        ("person.registered", {"person_id": "oh-young-ju-2", "name_ko": "오영주", "name_en": "Oh Young-ju",
                               "affiliations": [{"kind": "agency", "id": "mss", "title_ko": "장관"}]}),
    ]
    for event_type, data in found:
        events.convert_event(event_type, data)
    html = PAGE.render(form=new, values={}, errors={}, blank=1, entities={})
    names = {c["name"] for c in browse(html).controls}
    assert {"new.person.0.name_ko", "new.organization.0.organization_id"} <= names
