"""The generator: a valid log of the vocabulary of ``events/``, chunk by chunk.

Synthetic Korean and English sources, the agencies of ``words.AGENCIES`` (a few much busier
than the rest), organizations, people with agency and organization affiliations, initiatives and
their status changes, meetings, statements (most of the volume) and about 2% ``fact.corrected``
/ ``fact.retracted`` aimed at earlier facts, in the targets' streams. Every reference points at
an entity registered earlier in the log; every quote is an exact substring of a registered
source's text; verbatim statements quote the words in quotation marks of such a sentence.
"""

from __future__ import annotations

import bisect
import datetime as dt
import random
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import msgspec

import events
from bench.replay.words import (
    AGENCIES,
    AGENCY_TITLES,
    GIVEN,
    INITIATIVE_KINDS,
    MEETING_KINDS,
    ORG_MIDDLE,
    ORG_PREFIX,
    ORG_SUFFIX,
    ORG_TITLES,
    PUBLISHERS,
    RELATIVE_WORDS,
    STATUS_NEXT,
    SURNAMES,
    TOPICS,
    final_consonant,
    josa,
)
from events.statements import STATEMENT_KINDS

_MASK = (1 << 128) - 1
_UUID_MULTIPLIER = 0x9E3779B97F4A7C15F39CC0605CEDC835  # odd: seq -> id is a bijection
_VERSION_BITS = ~(0xF << 76) & ~(0xC << 60) & _MASK


def event_uuid(salt: int, seq: int) -> uuid.UUID:
    """A random-looking version-4 UUID for the seq-th event of a world (no collisions in practice)."""
    value = ((seq * _UUID_MULTIPLIER) ^ salt) & _MASK
    return uuid.UUID(int=(value & _VERSION_BITS) | (4 << 76) | (0x8 << 60))


_LATER_VERSIONS = frozenset({"initiative.status_changed", "fact.corrected", "fact.retracted"})
"""Types whose event adds to a stream that exists (the others open a stream at version 1)."""


def log_row(
    salt: int, seq: int, versions: dict[str, int], stream_id: str, type_: str, data: bytes,
    source: bytes,
) -> Row:
    """The log row of the ``seq``-th event; ``versions`` holds each stream's last version."""
    if type_ in _LATER_VERSIONS:
        version = versions.get(stream_id, 1) + 1
        versions[stream_id] = version
    else:
        version = 1
    event_id = event_uuid(salt, seq)
    metadata = b'{"source":"%s","correlation_id":"%s"}' % (source, str(event_id).encode())
    return (event_id, stream_id, version, type_, 1, data, metadata)


EPOCH = dt.date(2015, 1, 1).toordinal()
SPAN_DAYS = 3650  # the world's facts happen over ten years, roughly in log order


@dataclass
class Source:
    source_id: str
    language: str
    sentences: list[str]
    quoted: list[tuple[str, str]]
    """(sentence, the words in quotation marks inside it): what verbatim statements quote."""


@dataclass
class Meeting:
    meeting_id: str
    organiser: str
    occurred: dict[str, Any]
    persons: list[str]


@dataclass(eq=False)
class Target:
    """A fact that a later correction or retraction may aim at."""

    seq: int
    stream_id: str
    type: str
    data: bytes


Row = tuple[uuid.UUID, str, int, str, int, bytes, bytes]
"""(event_id, stream_id, stream_version, type, schema_version, data, metadata): a COPY row."""

# Shares of the log after the prologue (the registrations it starts with).
MIX: list[tuple[str, float]] = [
    ("source.registered", 0.005),
    ("organization.registered", 0.002),
    ("person.registered", 0.006),
    ("initiative.announced", 0.015),
    ("initiative.status_changed", 0.012),
    ("meeting.held", 0.05),
    ("fact.corrected", 0.015),
    ("fact.retracted", 0.005),
    ("statement.made", 0.89),
]

_encode = msgspec.json.Encoder().encode


class World:
    """Generates a valid log, chunk by chunk, with every reference registered before its use.

    ``rows(count)`` returns the next ``count`` events as COPY rows; ``targets`` gives, for the
    corrections and retractions of the last call, the fact each one amends (for checking).
    """

    def __init__(self, total: int, seed: int) -> None:
        self.total = max(total, 1)
        self.rng = random.Random(seed)
        self.salt = self.rng.getrandbits(128)
        self.seq = 0
        self.versions: dict[str, int] = {}
        """Streams past version 1 (entity streams start at 1)."""
        self.sources: list[Source] = []
        self.source_count = 0
        self.agency_weights = list(
            _cumulative([1.0 / (rank + 1) ** 1.1 for rank in range(len(AGENCIES))])
        )
        self.agency_ids = [a[0] for a in AGENCIES]
        self.agency_names = {a[0]: a for a in AGENCIES}
        self.organizations: list[tuple[str, str, str]] = []  # id, name_ko, name_en
        self.org_names: set[str] = set()
        self.people: list[tuple[str, str, str, str | None]] = []  # id, name_ko, name_en, agency
        self.agency_people: dict[str, list[int]] = defaultdict(list)
        self.person_ids: set[str] = set()
        self.meetings: list[Meeting] = []
        self.meeting_count = 0
        self.initiatives: list[list[Any]] = []  # [initiative_id, agency, status, title_ko, title_en]
        self.statement_count = 0
        self.targets_pool: list[Target] = []
        self.facts_seen = 0
        self.pending: list[tuple[str, Callable[[], tuple[str, str, bytes, Target | None]]]] = []
        self.last_targets: dict[int, Target] = {}
        self.makers = [getattr(self, "_" + kind.replace(".", "_")) for kind, _ in MIX]
        self.weights = list(_cumulative([share for _, share in MIX]))
        self.counts: dict[str, int] = defaultdict(int)
        self._prologue()

    # -- the log, chunk by chunk --------------------------------------------------------------

    def rows(self, count: int) -> list[Row]:
        rows: list[Row] = []
        self.last_targets = {}
        rng = self.rng
        for _ in range(count):
            if self.pending:
                _kind, make = self.pending.pop(0)
            else:
                make = self.makers[bisect.bisect(self.weights, rng.random() * self.weights[-1])]
            stream_id, type_, data, target = make()
            seq = self.seq
            self.seq += 1
            rows.append(log_row(self.salt, seq, self.versions, stream_id, type_, data, b"bench-replay"))
            self.counts[type_] += 1
            if target is not None:
                self.last_targets[seq] = target
            if type_ in _AMENDABLE_TYPES:
                self._remember(seq, stream_id, type_, data)
        return rows

    # -- helpers --------------------------------------------------------------------------------

    def _progress(self) -> float:
        return min(self.seq / self.total, 1.0)

    def _day(self, back: int = 120) -> int:
        return EPOCH + int(self._progress() * SPAN_DAYS) - self.rng.randint(0, back)

    def _occurred(self, day: int | None = None) -> dict[str, Any]:
        rng = self.rng
        d = dt.date.fromordinal(day if day is not None else self._day())
        roll = rng.random()
        if roll < 0.62:
            date = d.isoformat()
        elif roll < 0.93:
            date = d.isoformat()[:7]
        else:
            date = d.isoformat()[:4]
        approximate = rng.random() < 0.12
        original = rng.choice(RELATIVE_WORDS) if approximate and rng.random() < 0.7 else None
        if original is None and len(date) == 10 and rng.random() < 0.1:
            original = f"{d.day}일"
        return {"date": date, "approximate": approximate, "original": original}

    def _agency(self) -> str:
        return self.agency_ids[
            bisect.bisect(self.agency_weights, self.rng.random() * self.agency_weights[-1])
        ]

    def _topics(self, count: int | None = None) -> list[tuple[str, str, str]]:
        return self.rng.sample(TOPICS, count or self.rng.randint(1, 3))

    def _recent(self, items: list, window: int) -> Any:
        """One of the last ``window`` items, the newest most likely."""
        span = min(len(items), window)
        return items[len(items) - 1 - int(span * self.rng.random() ** 2)]

    def _source(self) -> Source:
        return self._recent(self.sources, 12)

    def _evidence(self, count: int = 1) -> list[dict[str, str]]:
        source = self._source()
        quotes = self.rng.sample(source.sentences, min(count, len(source.sentences)))
        return [{"source_id": source.source_id, "quote": q} for q in quotes]

    def _remember(self, seq: int, stream_id: str, type_: str, data: bytes) -> None:
        """Reservoir sampling of earlier facts, for corrections and retractions to aim at."""
        self.facts_seen += 1
        target = Target(seq, stream_id, type_, data)
        if len(self.targets_pool) < 20_000:
            self.targets_pool.append(target)
        else:
            slot = self.rng.randrange(self.facts_seen)
            if slot < 20_000:
                self.targets_pool[slot] = target

    def _person_ref(self) -> tuple[str, str, str, str | None]:
        return self._recent(self.people, 4000) if self.rng.random() < 0.7 else self.rng.choice(self.people)

    def _org_ref(self) -> tuple[str, str, str]:
        return self._recent(self.organizations, 1500) if self.rng.random() < 0.7 else self.rng.choice(self.organizations)

    # -- the prologue: sources to quote, then agencies, organizations and people ----------------

    def _prologue(self) -> None:
        scale = self.total / 1_000_000
        initial_orgs = max(10, int(300 * scale))
        initial_people = max(20, int(800 * scale))
        self.pending += [("source.registered", self._source_registered)] * 3
        self.pending += [("agency.registered", self._agency_registered)] * len(AGENCIES)
        self.pending += [("organization.registered", self._organization_registered)] * initial_orgs
        self.pending += [("person.registered", self._person_registered)] * initial_people
        self._next_agency = 0

    # -- sources ------------------------------------------------------------------------------

    def _source_sentences_ko(self) -> tuple[list[str], list[tuple[str, str]]]:
        rng = self.rng
        sentences: list[str] = []
        quoted: list[tuple[str, str]] = []
        for _ in range(rng.randint(12, 20)):
            a = self.agency_names[self._agency()]
            t1, t2 = rng.sample(TOPICS, 2)
            roll = rng.random()
            if roll < 0.3 and self.people:
                person = self._person_ref()
                title = rng.choice(AGENCY_TITLES if person[3] else ORG_TITLES)[0]
                inner = rng.choice([
                    f"{t1[1]} 분야의 경쟁력을 높이기 위해 정부의 지원을 아끼지 않겠다",
                    f"{josa(t1[1], '에', '에')} 대한 규제 불확실성을 해소하는 것이 시급하다",
                    f"현장의 목소리를 반영해 {t1[1]} 정책을 보완해 나가겠다",
                    f"{josa(t1[1], '과', '와')} {t2[1]}의 균형을 맞추는 것이 무엇보다 중요하다",
                    f"{t1[1]} 생태계가 글로벌 시장에서 성장할 수 있도록 긴밀히 협력하겠다",
                    f"기업들이 {josa(t1[1], '을', '를')} 안심하고 추진할 수 있는 환경을 만들겠다",
                ])
                sentence = f"{person[1]} {a[3] or a[1]} {josa(title, '은', '는')} \"{inner}\"라고 말했다."
                quoted.append((sentence, inner))
            elif roll < 0.45:
                plan = rng.choice(INITIATIVE_KINDS)[1]
                sentence = (f"{josa(a[1], '은', '는')} {rng.choice(RELATIVE_WORDS)} '{t1[1]} {plan}'"
                            f"{'을' if final_consonant(plan) else '를'} 발표하고 "
                            f"{t2[1]} 관련 후속 조치를 예고했다.")
            elif roll < 0.6 and self.organizations:
                org = self._org_ref()
                sentence = (f"{org[1]}{'은' if final_consonant(org[1]) else '는'} {t1[1]} 관련 기술 개발 현황과 "
                            f"{t2[1]} 분야의 활용 사례를 소개했다.")
            elif roll < 0.72:
                sentence = (f"회의에는 {a[3] or a[1]} 관계자와 국내 AI 기업, 전문가 등 "
                            f"{rng.randint(10, 90)}여명이 참석해 {t1[1]} 방안을 논의했다.")
            elif roll < 0.84:
                sentence = (f"참석자들은 {t1[1]} 과정에서 겪는 데이터 접근성과 {t2[1]} 관련 "
                            f"애로사항을 제시하고 제도 개선을 건의했다.")
            elif roll < 0.92:
                sentence = (f"{josa(a[1], '은', '는')} 향후 {t1[1]} 지원 예산을 "
                            f"{rng.randint(2, 40) * 50}억원 규모로 확대할 계획이다.")
            else:
                sentence = (f"이번 논의는 {t1[2]}({t1[1]})와 {t2[2]} 등 국제 논의 흐름을 "
                            f"반영한 것으로 평가된다.")
            sentences.append(sentence)
        return sentences, quoted

    def _source_sentences_en(self) -> tuple[list[str], list[tuple[str, str]]]:
        rng = self.rng
        sentences: list[str] = []
        quoted: list[tuple[str, str]] = []
        for _ in range(rng.randint(10, 16)):
            a = self.agency_names[self._agency()]
            t1, t2 = rng.sample(TOPICS, 2)
            roll = rng.random()
            if roll < 0.3 and self.people:
                person = self._person_ref()
                title = rng.choice(AGENCY_TITLES if person[3] else ORG_TITLES)[1]
                inner = rng.choice([
                    f"We will spare no support to make {t1[2]} competitive",
                    f"Regulatory uncertainty around {t1[2]} must be resolved first",
                    f"We will improve our policy on {t1[2]} with what we hear from the field",
                    f"Balancing {t1[2]} and {t2[2]} matters more than anything",
                ])
                sentence = f"\"{inner},\" said {person[2]}, {title} at {a[2]}."
                quoted.append((sentence, inner))
            elif roll < 0.5:
                sentence = (f"{a[2]} ({a[4]}) announced a new {rng.choice(INITIATIVE_KINDS)[2]} on "
                            f"{t1[2]} and said follow-up measures on {t2[2]} would come this year.")
            elif roll < 0.7 and self.organizations:
                org = self._org_ref()
                sentence = (f"{org[2]} presented its work on {t1[2]} and cases of {t2[2]} "
                            f"to officials and researchers.")
            elif roll < 0.85:
                sentence = (f"About {rng.randint(10, 90)} officials, founders and experts attended the "
                            f"meeting, which discussed {t1[2]}.")
            else:
                sentence = (f"The budget for {t1[2]} is to grow to {rng.randint(2, 40) * 5} billion won, "
                            f"officials said.")
            sentences.append(sentence)
        return sentences, quoted

    def _source_registered(self) -> tuple[str, str, bytes, None]:
        rng = self.rng
        publisher, slug, kind, language = rng.choice(PUBLISHERS)
        day = dt.date.fromordinal(self._day(back=10))
        self.source_count += 1
        source_id = f"{slug}-{day.isoformat()[:7]}-{self.source_count}"
        if language == "ko":
            sentences, quoted = self._source_sentences_ko()
            joiner = rng.choice([" ", "\n"])
        else:
            sentences, quoted = self._source_sentences_en()
            joiner = " "
        text = joiner.join(sentences)
        topic = rng.choice(TOPICS)
        title = (f"[{topic[1]} 관련 정부·업계 논의]" if language == "ko"
                 else f"Korea weighs next steps on {topic[2]}")
        data = {
            "source_id": source_id,
            "title": title,
            "publisher": publisher,
            "url": f"https://news.example/{slug}/{self.source_count}" if rng.random() < 0.8 else None,
            "language": language,
            "published": {"date": day.isoformat()[:7] if rng.random() < 0.3 else day.isoformat(),
                          "approximate": False, "original": None},
            "kind": kind,
            "text": text,
            "sha256": events.sha256_text(text),
            "note": None,
        }
        # Sentences joined with a newline keep their own text; quotes never span two of them.
        self.sources.append(Source(source_id, language, sentences, quoted))
        if len(self.sources) > 400:
            del self.sources[:100]
        return f"source-{source_id}", "source.registered", _encode(data), None

    # -- actors -------------------------------------------------------------------------------

    def _agency_registered(self) -> tuple[str, str, bytes, None]:
        agency_id, name_ko, name_en, short_ko, short_en, kind, parent = AGENCIES[self._next_agency]
        self._next_agency += 1
        data = {
            "agency_id": agency_id,
            "name_ko": name_ko,
            "name_en": name_en,
            "short_ko": short_ko,
            "short_en": short_en,
            "kind": kind,
            "parent": parent,
            "country": "KR",
            "evidence": [],
        }
        return f"agency-{agency_id}", "agency.registered", _encode(data), None

    def _organization_registered(self) -> tuple[str, str, bytes, None]:
        rng = self.rng
        for _ in range(20):
            p, m, s = rng.choice(ORG_PREFIX), rng.choice(ORG_MIDDLE), rng.choice(ORG_SUFFIX)
            name_ko = p[0] + m[0] + s[0]
            if name_ko not in self.org_names:
                break
        else:  # (nearly) every combination taken: number the name
            name_ko = f"{name_ko} {len(self.organizations) + 1}"
        self.org_names.add(name_ko)
        name_en = f"{p[1].capitalize()}{m[1].capitalize()} {s[1]}"
        org_id = "-".join(part for part in (p[1], m[1], s[1].lower().replace(" ", "-")) if part)
        org_id = f"{org_id}-{len(self.organizations) + 1}"[:63]
        data = {
            "organization_id": org_id,
            "name_ko": name_ko,
            "name_en": name_en,
            "kind": s[2],
            "description_ko": s[3] if rng.random() < 0.6 else None,
            "description_en": s[4] if rng.random() < 0.6 else None,
            "evidence": [],
        }
        self.organizations.append((org_id, name_ko, name_en))
        return f"organization-{org_id}", "organization.registered", _encode(data), None

    def _person_registered(self) -> tuple[str, str, bytes, None]:
        rng = self.rng
        sur, g1, g2 = rng.choice(SURNAMES), rng.choice(GIVEN), rng.choice(GIVEN)
        base = f"{sur[1]}-{g1[1]}-{g2[1]}"
        person_id, n = base, 1
        while person_id in self.person_ids:
            n += 1
            person_id = f"{base}-{n}"
        self.person_ids.add(person_id)
        name_ko = sur[0] + g1[0] + g2[0]
        name_en = f"{sur[1].capitalize()} {g1[1].capitalize()}-{g2[1]}"
        affiliations = []
        agency = None
        roll = rng.random()
        if roll < 0.6 or not self.organizations:
            agency = self._agency()
            title = rng.choice(AGENCY_TITLES)
            affiliations.append({"kind": "agency", "id": agency, "title_ko": title[0], "title_en": title[1]})
        if roll >= 0.5 and self.organizations:
            org = self._org_ref()
            title = rng.choice(ORG_TITLES)
            affiliations.append({"kind": "organization", "id": org[0], "title_ko": title[0],
                                 "title_en": title[1] if rng.random() < 0.8 else None})
        data = {
            "person_id": person_id,
            "name_ko": name_ko,
            "name_en": name_en,
            "affiliations": affiliations,
            "evidence": self._evidence() if self.sources and rng.random() < 0.5 else [],
        }
        self.people.append((person_id, name_ko, name_en, agency))
        if agency:
            self.agency_people[agency].append(len(self.people) - 1)
        return f"person-{person_id}", "person.registered", _encode(data), None

    # -- facts ----------------------------------------------------------------------------------

    def _initiative_announced(self) -> tuple[str, str, bytes, None]:
        rng = self.rng
        agency = self._agency()
        topic = rng.choice(TOPICS)
        kind = rng.choice(INITIATIVE_KINDS)
        year = dt.date.fromordinal(self._day()).year
        initiative_id = f"{agency}-{topic[0]}-{kind[0]}-{len(self.initiatives) + 1}"[:63]
        status = rng.choice(["planned", "planned", "in_preparation", "published"])
        title_ko = f"{year}년 {topic[1]} {kind[1]}"
        title_en = f"{year} {kind[2]} on {topic[2]}"
        meetings = [m.meeting_id for m in self.meetings[-50:] if m.organiser == agency][:2]
        data = {
            "initiative_id": initiative_id,
            "agency": agency,
            "title_ko": title_ko,
            "title_en": title_en,
            "title_is_official": rng.random() < 0.6,
            "kind": kind[0],
            "status": status,
            "summary_ko": f"{self.agency_names[agency][1]}가 {topic[1]}을 위해 마련한 {kind[1]}.",
            "summary_en": f"{self.agency_names[agency][4]}'s {kind[2]} on {topic[2]}.",
            "due": rng.choice([None, None, "향후", "연내", "하반기"]),
            "meetings": meetings,
            "topics": [t[0] for t in self._topics()],
            "occurred": self._occurred(),
            "evidence": self._evidence(rng.randint(1, 2)),
        }
        self.initiatives.append([initiative_id, agency, status, title_ko, title_en])
        return f"initiative-{initiative_id}", "initiative.announced", _encode(data), None

    def _initiative_status_changed(self) -> tuple[str, str, bytes, None]:
        rng = self.rng
        for _ in range(5):
            initiative = self._recent(self.initiatives, 3000) if self.initiatives else None
            if initiative and initiative[2] in STATUS_NEXT:
                break
        else:
            return self._statement_made()
        status = STATUS_NEXT[initiative[2]] if rng.random() < 0.93 else "cancelled"
        initiative[2] = status
        data = {
            "initiative_id": initiative[0],
            "status": status,
            "note_ko": f"{initiative[3]}이 '{status}' 단계로 넘어갔다." if rng.random() < 0.7 else None,
            "note_en": f"The {initiative[4]} moved to '{status}'." if rng.random() < 0.7 else None,
            "occurred": self._occurred(),
            "evidence": self._evidence(),
        }
        return f"initiative-{initiative[0]}", "initiative.status_changed", _encode(data), None

    def _meeting_held(self) -> tuple[str, str, bytes, None]:
        rng = self.rng
        organiser = self._agency()
        kind = rng.choice(MEETING_KINDS)
        topics = self._topics()
        self.meeting_count += 1
        meeting_id = f"{organiser}-{kind[0].replace('_', '-')}-{self.meeting_count}"
        attendees = []
        persons = []
        for _ in range(rng.randint(1, 5)):
            if rng.random() < 0.6 and self.people:
                person = self._person_ref()
                if person[0] not in persons:
                    persons.append(person[0])
                    attendees.append({"kind": "person", "id": person[0]})
            elif self.organizations:
                org = self._org_ref()
                ref = {"kind": "organization", "id": org[0]}
                if ref not in attendees:
                    attendees.append(ref)
        occurred = self._occurred()
        a = self.agency_names[organiser]
        data = {
            "meeting_id": meeting_id,
            "organiser": organiser,
            "title_ko": f"{topics[0][1]} {kind[1]}",
            "title_en": f"{kind[2].capitalize()} on {topics[0][2]}",
            "title_is_official": rng.random() < 0.5,
            "kind": kind[0],
            "attendees": attendees,
            "attendee_count": ({"value": rng.randint(8, 120), "approximate": True, "original": None}
                               if rng.random() < 0.5 else None),
            "topics": [t[0] for t in topics],
            "summary_ko": (f"{josa(a[1], '은', '는')} {topics[0][1]} 방안을 논의하기 위해 "
                           f"기업과 전문가가 참석한 {kind[1]}를 열었다."),
            "summary_en": f"{a[4]} held a {kind[2]} with companies and experts on {topics[0][2]}.",
            "occurred": occurred,
            "evidence": self._evidence(rng.randint(1, 3)),
        }
        self.meetings.append(Meeting(meeting_id, organiser, occurred, persons))
        if len(self.meetings) > 2000:
            del self.meetings[:500]
        return f"meeting-{meeting_id}", "meeting.held", _encode(data), None

    def statement(self, *, on_timeline: bool = False) -> tuple[str, str, bytes, None]:
        """A ``statement.made``; ``on_timeline``: one that is sure to have a timeline entry."""
        rng = self.rng
        meeting = self._recent(self.meetings, 300) if self.meetings and (rng.random() < 0.7 or on_timeline) else None
        roll = rng.random()
        speaker: dict[str, Any]
        if roll < 0.55 and self.people:
            if meeting and meeting.persons and rng.random() < 0.5:
                person_id = rng.choice(meeting.persons)
            else:
                person_id = self._person_ref()[0]
            speaker = {"kind": "person", "id": person_id}
            slug = person_id
        elif roll < 0.8 and self.organizations:
            org = self._org_ref()
            speaker = {"kind": "organization", "id": org[0]}
            slug = org[0]
        elif roll < 0.9:
            agency = meeting.organiser if meeting else self._agency()
            speaker = {"kind": "agency", "id": agency}
            slug = agency
        else:
            members = []
            for _ in range(rng.randint(0, 3)):
                if self.organizations:
                    ref = {"kind": "organization", "id": self._org_ref()[0]}
                    if ref not in members:
                        members.append(ref)
            speaker = {"kind": "group", "description_ko": "간담회에 참석한 다수의 기업들",
                       "description_en": "several companies at the meeting",
                       "members": members}
            slug = "group"
        speaker = {"kind": speaker["kind"], "id": speaker.get("id"),
                   "description_ko": speaker.get("description_ko"),
                   "description_en": speaker.get("description_en"),
                   "members": speaker.get("members", [])}
        kind = rng.choice(STATEMENT_KINDS)
        self.statement_count += 1
        statement_id = f"{slug[:40]}-{kind}-{self.statement_count}"
        source = self._source()
        t1, t2 = rng.sample(TOPICS, 2)
        if source.quoted and rng.random() < 0.25:
            sentence, inner = rng.choice(source.quoted)
            text, verbatim = inner, True
            evidence = [{"source_id": source.source_id, "quote": sentence}]
        else:
            text = rng.choice([
                f"{t1[1]} 분야 지원 확대와 {t2[1]} 관련 제도 개선의 필요성을 강조",
                f"{t1[1]} 과정에서 겪는 현장 애로사항을 설명하고 {t2[1]} 지원 방안을 제안",
                f"{t1[1]} 관련 기술 개발 현황과 향후 사업화 계획, {t2[1]} 협력 방안을 소개",
                f"{josa(t1[1], '을', '를')} 위한 예산 확대와 {t2[1]} 규제 정비를 약속",
                f"{t1[1]} 생태계 조성을 위한 민관 협력 강화와 {t2[1]} 인력 확충 방안을 제시",
            ])
            verbatim = False
            evidence = [{"source_id": source.source_id, "quote": q}
                        for q in rng.sample(source.sentences, min(rng.randint(1, 2), len(source.sentences)))]
        text_en = rng.choice([
            f"Called for more support for {t1[2]} and better rules on {t2[2]}.",
            f"Described difficulties with {t1[2]} in the field and proposed support for {t2[2]}.",
            f"Presented work on {t1[2]}, plans to commercialise it, and cooperation on {t2[2]}.",
            f"Pledged a bigger budget for {t1[2]} and a review of the rules on {t2[2]}.",
        ])
        related = [i[0] for i in self.initiatives[-20:] if rng.random() < 0.02]
        data = {
            "statement_id": statement_id,
            "speaker": speaker,
            "meeting": meeting.meeting_id if meeting else None,
            "kind": kind,
            "text": text,
            "text_en": text_en if rng.random() < 0.9 else None,
            "verbatim": verbatim,
            "topics": [t1[0], t2[0]][: rng.randint(1, 2)],
            "related_initiatives": related,
            "occurred": meeting.occurred if meeting else self._occurred(),
            "evidence": evidence,
        }
        return f"statement-{statement_id}", "statement.made", _encode(data), None

    def _statement_made(self) -> tuple[str, str, bytes, None]:
        return self.statement()

    # -- corrections and retractions ------------------------------------------------------------

    def _pick_target(self, *, remove: bool = False) -> Target | None:
        pool = self.targets_pool
        if not pool:
            return None
        index = self.rng.randrange(len(pool))
        target = pool[index]
        if remove and target.type != "person.registered":
            # A retracted fact is amended no more: out of the pool (swap with the last).
            pool[index] = pool[-1]
            pool.pop()
        return target

    def _fact_corrected(self) -> tuple[str, str, bytes, Target | None]:
        rng = self.rng
        target = self._pick_target()
        if target is None:
            return self._statement_made()
        t = rng.choice(TOPICS)
        # ``changes`` is a free-form object: the canonical encoding sorts its keys, nested too.
        new_date = dict(sorted(self._occurred(self._day(back=SPAN_DAYS // 3)).items()))
        choices: dict[str, list[dict[str, Any]]] = {
            "statement.made": [{"occurred": new_date}, {"occurred": new_date},
                               {"text_en": f"Corrected: spoke about {t[2]}."},
                               {"topics": [t[0]]}],
            "meeting.held": [{"occurred": new_date}, {"title_ko": f"{t[1]} 간담회"},
                             {"title_en": f"Roundtable on {t[2]}"}],
            "initiative.announced": [{"occurred": new_date}, {"title_en": f"Plan on {t[2]}"},
                                     {"summary_en": f"A plan on {t[2]}."}],
            "initiative.status_changed": [{"occurred": new_date}, {"note_en": "Moved on, as reported later."}],
            "person.registered": [{"name_en": f"{rng.choice(SURNAMES)[1].capitalize()} Corrected"}],
        }
        changes = rng.choice(choices[target.type])
        data = {
            "target": str(event_uuid(self.salt, target.seq)),
            "changes": changes,
            "reason": rng.choice(["후속 보도에서 날짜와 내용이 바로잡혔다.",
                                  "A later report gives different details.",
                                  "보도자료 원문 확인 결과 정정."]),
            "evidence": self._evidence(),
        }
        return target.stream_id, "fact.corrected", _encode(data), target

    def _fact_retracted(self) -> tuple[str, str, bytes, Target | None]:
        rng = self.rng
        target = self._pick_target(remove=True)
        if target is None or target.type == "person.registered":
            return self._statement_made()
        if target.type == "initiative.announced":
            # A retracted initiative takes no more events (the Appender refuses a status change
            # of it, and a correction of one of its status changes): no more status changes,
            # and its stream's facts out of the pool.
            initiative_id = target.stream_id.removeprefix("initiative-")
            for initiative in self.initiatives:
                if initiative[0] == initiative_id:
                    initiative[2] = "retracted"
            self.targets_pool = [t for t in self.targets_pool if t.stream_id != target.stream_id]
        data = {
            "target": str(event_uuid(self.salt, target.seq)),
            "reason": rng.choice(["해당 보도가 철회되었다.", "The source withdrew the report."]),
            "evidence": self._evidence(),
        }
        return target.stream_id, "fact.retracted", _encode(data), target


_AMENDABLE_TYPES = frozenset(
    {"statement.made", "meeting.held", "initiative.announced", "initiative.status_changed",
     "person.registered"}
)


def _cumulative(values: Sequence[float]) -> Iterator[float]:
    total = 0.0
    for value in values:
        total += value
        yield total

