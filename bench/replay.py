"""Projections at scale: replay throughput, append-to-visible latency and timeline pages.

    python -m bench.replay [--events N] [--database-url ADMIN_URL] [--markdown]

In one run, on databases of its own (created, migrated and dropped at the end, even on
Ctrl-C):

1. **A realistic log.** N valid events (default 1,000,000) in the vocabulary of ``events/``:
   synthetic Korean and English sources, 50 agencies, organizations, people with agency and
   organization affiliations, initiatives and their status changes, meetings, statements (most
   of the volume) and about 2% ``fact.corrected`` / ``fact.retracted`` events aimed at earlier
   facts, in the targets' streams. Every reference points at an entity registered earlier in
   the log and every evidence quote is an exact substring of a registered source's text. The
   rows are built in Python with msgspec, checked (``events.decode_event``, references, quotes,
   canonical encoding, corrections through ``events.apply_changes``) and loaded into ``events``
   with COPY in chunks of 50,000 rows, each chunk its own transaction. A second database gets
   10,000 events made the same way, and a third, small one gets a few thousand appended through
   the service's ``Appender`` (the API's own checks) to prove the generator's output valid.
2. **Replay throughput.** Every projection of ``PROJECTIONS`` is rebuilt blue/green from the
   whole log, one after another (``Replay.begin`` + ``run``, what ``replay()`` and
   ``policy-timeline replay`` do), at the service's batch size; events/s = N / wall time, for
   all projections together and for each. Beside it, in the same run, a raw asyncpg cursor
   reads the same rows (``SELECT * FROM events ORDER BY position``, prefetch 1000, read-only
   transaction). Where the time goes is measured too: the Python process's CPU time, the
   replay backend's CPU time (from ``/proc``), feed reads, folds and statement round trips.
3. **Append-to-visible latency.** A ``Projector`` (all projections) runs in a subprocess on the
   big database, as a service instance would, while this process appends ``statement.made``
   events through the ``Appender`` at a steady rate (open loop: appends start at fixed times)
   and polls ``timeline_entries`` every 2 ms for the pending ids: time from each append's
   return to its first visible timeline entry.
4. **Timeline pages at N vs 10k events.** The app (``create_app``, projector off) on each
   database, through Litestar's in-process ``AsyncTestClient``: ``GET /agencies/{id}/timeline``
   (first page, a page deep in the timeline by cursor, a from/to period) for the busiest agency,
   alternating between the databases, beside ``GET /health`` (a bare handler).
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import contextlib
import datetime as dt
import gc
import itertools
import os
import platform
import random
import signal
import statistics
import subprocess
import sys
import time
import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import msgspec
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

import events
from service import database
from service.projections import PROJECTIONS
from service.projections import replay as replay_module
from service.projections.base import Ops
from service.projections.replay import Replay, ReplayStatus
from service.projections.runner import DEFAULT_BATCH_SIZE
from service.queries.paging import SortKey

DEFAULT_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
DEFAULT_PREFIX = "pt_bench_replay"
CHUNK_ROWS = 50_000
NOTIFY_CHANNEL = "pt_bench_replay_events"

console = Console(width=None if sys.stdout.isatty() else 160)

# ============================================================================================
# The synthetic world: who exists, what they talk about, and the words sources use.
# ============================================================================================

# (id, name_ko, name_en, short_ko, short_en, kind, parent). Parents come before children.
AGENCIES: list[tuple[str, str, str, str | None, str | None, str, str | None]] = [
    ("msit", "과학기술정보통신부", "Ministry of Science and ICT", "과기정통부", "MSIT", "ministry", None),
    ("mss", "중소벤처기업부", "Ministry of SMEs and Startups", "중기부", "MSS", "ministry", None),
    ("pipc", "개인정보보호위원회", "Personal Information Protection Commission", "개인정보위", "PIPC", "commission", None),
    ("motie", "산업통상자원부", "Ministry of Trade, Industry and Energy", "산업부", "MOTIE", "ministry", None),
    ("kcc", "방송통신위원회", "Korea Communications Commission", "방통위", "KCC", "commission", None),
    ("moe", "교육부", "Ministry of Education", "교육부", "MOE", "ministry", None),
    ("moel", "고용노동부", "Ministry of Employment and Labor", "고용부", "MOEL", "ministry", None),
    ("moef", "기획재정부", "Ministry of Economy and Finance", "기재부", "MOEF", "ministry", None),
    ("mois", "행정안전부", "Ministry of the Interior and Safety", "행안부", "MOIS", "ministry", None),
    ("fsc", "금융위원회", "Financial Services Commission", "금융위", "FSC", "commission", None),
    ("mohw", "보건복지부", "Ministry of Health and Welfare", "복지부", "MOHW", "ministry", None),
    ("mcst", "문화체육관광부", "Ministry of Culture, Sports and Tourism", "문체부", "MCST", "ministry", None),
    ("ftc", "공정거래위원회", "Korea Fair Trade Commission", "공정위", "KFTC", "commission", None),
    ("pmo", "국무조정실", "Office for Government Policy Coordination", "국조실", "OPC", "office", None),
    ("ai-committee", "국가인공지능위원회", "National Artificial Intelligence Committee", "AI위원회", "NAIC", "council", None),
    ("dpg-committee", "디지털플랫폼정부위원회", "Digital Platform Government Committee", "디플정위", "DPG", "council", None),
    ("molit", "국토교통부", "Ministry of Land, Infrastructure and Transport", "국토부", "MOLIT", "ministry", None),
    ("mofa", "외교부", "Ministry of Foreign Affairs", "외교부", "MOFA", "ministry", None),
    ("moj", "법무부", "Ministry of Justice", "법무부", "MOJ", "ministry", None),
    ("mnd", "국방부", "Ministry of National Defense", "국방부", "MND", "ministry", None),
    ("me", "환경부", "Ministry of Environment", "환경부", "ME", "ministry", None),
    ("mafra", "농림축산식품부", "Ministry of Agriculture, Food and Rural Affairs", "농식품부", "MAFRA", "ministry", None),
    ("mof", "해양수산부", "Ministry of Oceans and Fisheries", "해수부", "MOF", "ministry", None),
    ("mogef", "여성가족부", "Ministry of Gender Equality and Family", "여가부", "MOGEF", "ministry", None),
    ("acrc", "국민권익위원회", "Anti-Corruption and Civil Rights Commission", "권익위", "ACRC", "commission", None),
    ("nhrck", "국가인권위원회", "National Human Rights Commission of Korea", "인권위", "NHRCK", "commission", None),
    ("kcsc", "방송통신심의위원회", "Korea Communications Standards Commission", "방심위", "KCSC", "commission", None),
    ("mfds", "식품의약품안전처", "Ministry of Food and Drug Safety", "식약처", "MFDS", "agency", None),
    ("mpm", "인사혁신처", "Ministry of Personnel Management", "인사처", "MPM", "agency", None),
    ("nia", "한국지능정보사회진흥원", "National Information Society Agency", "NIA", "NIA", "agency", "msit"),
    ("kisa", "한국인터넷진흥원", "Korea Internet & Security Agency", "KISA", "KISA", "agency", "msit"),
    ("nipa", "정보통신산업진흥원", "National IT Industry Promotion Agency", "NIPA", "NIPA", "agency", "msit"),
    ("iitp", "정보통신기획평가원", "Institute of Information & Communications Technology Planning & Evaluation", "IITP", "IITP", "agency", "msit"),
    ("kdata", "한국데이터산업진흥원", "Korea Data Agency", "데이터진흥원", "K-DATA", "agency", "msit"),
    ("nrf", "한국연구재단", "National Research Foundation of Korea", "연구재단", "NRF", "agency", "msit"),
    ("kised", "창업진흥원", "Korea Institute of Startup and Entrepreneurship Development", "창진원", "KISED", "agency", "mss"),
    ("kosmes", "중소벤처기업진흥공단", "Korea SMEs and Startups Agency", "중진공", "KOSME", "agency", "mss"),
    ("kipo", "특허청", "Korean Intellectual Property Office", "특허청", "KIPO", "agency", "motie"),
    ("kats", "국가기술표준원", "Korean Agency for Technology and Standards", "국표원", "KATS", "agency", "motie"),
    ("kostat", "통계청", "Statistics Korea", "통계청", "KOSTAT", "agency", "moef"),
    ("fss", "금융감독원", "Financial Supervisory Service", "금감원", "FSS", "agency", "fsc"),
    ("kca", "한국소비자원", "Korea Consumer Agency", "소비자원", "KCA", "agency", "ftc"),
    ("keris", "한국교육학술정보원", "Korea Education and Research Information Service", "KERIS", "KERIS", "agency", "moe"),
    ("khidi", "한국보건산업진흥원", "Korea Health Industry Development Institute", "보건산업진흥원", "KHIDI", "agency", "mohw"),
    ("kocca", "한국콘텐츠진흥원", "Korea Creative Content Agency", "콘진원", "KOCCA", "agency", "mcst"),
    ("kcopyright", "한국저작권위원회", "Korea Copyright Commission", "저작권위", "KCC-C", "commission", "mcst"),
    ("seoul", "서울특별시", "Seoul Metropolitan Government", "서울시", "Seoul", "government", None),
    ("busan", "부산광역시", "Busan Metropolitan City", "부산시", "Busan", "government", None),
    ("gyeonggi", "경기도", "Gyeonggi Province", "경기도", "Gyeonggi", "government", None),
    ("gwangju", "광주광역시", "Gwangju Metropolitan City", "광주시", "Gwangju", "government", None),
]

TOPICS: list[tuple[str, str, str]] = [
    ("ai-talent", "AI 인재 양성", "AI talent"),
    ("ai-startups", "AI 스타트업 육성", "AI start-ups"),
    ("personal-data", "개인정보 보호", "personal data protection"),
    ("open-source-ai", "오픈소스 AI", "open-source AI"),
    ("compute", "컴퓨팅 인프라", "computing infrastructure"),
    ("ai-chips", "AI 반도체", "AI semiconductors"),
    ("genai-safety", "생성형 AI 안전성", "generative AI safety"),
    ("data-use", "데이터 활용", "the use of data"),
    ("ai-basic-act", "인공지능 기본법", "the AI Basic Act"),
    ("copyright", "AI 학습 데이터 저작권", "copyright in AI training data"),
    ("deepfakes", "딥페이크 대응", "deepfakes"),
    ("public-sector-ai", "공공 부문 AI 도입", "AI in the public sector"),
    ("healthcare-ai", "의료 AI", "AI in healthcare"),
    ("financial-ai", "금융 AI", "AI in finance"),
    ("manufacturing-ai", "제조 AI", "manufacturing AI"),
    ("ai-ethics", "AI 윤리", "AI ethics"),
    ("cloud", "클라우드 전환", "cloud adoption"),
    ("cybersecurity", "사이버 보안", "cybersecurity"),
    ("ai-education", "AI 교육", "AI education"),
    ("robotics", "지능형 로봇", "intelligent robots"),
    ("autonomous-driving", "자율주행", "autonomous driving"),
    ("digital-inclusion", "디지털 포용", "digital inclusion"),
    ("ai-regulation", "AI 규제 정비", "AI regulation"),
    ("global-cooperation", "AI 국제 협력", "international AI cooperation"),
]

SURNAMES = [("김", "kim"), ("이", "lee"), ("박", "park"), ("최", "choi"), ("정", "jung"),
            ("강", "kang"), ("조", "cho"), ("윤", "yoon"), ("장", "jang"), ("임", "lim"),
            ("한", "han"), ("오", "oh"), ("서", "seo"), ("신", "shin"), ("권", "kwon"),
            ("황", "hwang"), ("안", "ahn"), ("송", "song"), ("류", "ryu"), ("고", "ko")]
GIVEN = [("영", "young"), ("민", "min"), ("수", "soo"), ("지", "ji"), ("현", "hyun"),
         ("준", "joon"), ("서", "seo"), ("호", "ho"), ("은", "eun"), ("진", "jin"),
         ("우", "woo"), ("혜", "hye"), ("성", "sung"), ("태", "tae"), ("경", "kyung"),
         ("주", "ju"), ("하", "ha"), ("연", "yeon"), ("재", "jae"), ("희", "hee")]

AGENCY_TITLES = [("장관", "Minister"), ("차관", "Vice Minister"), ("위원장", "Chairperson"),
                 ("국장", "Director-General"), ("과장", "Director"), ("실장", "Head of Office"),
                 ("대변인", "Spokesperson"), ("정책관", "Policy Director"), ("원장", "President"),
                 ("사무관", "Deputy Director")]
ORG_TITLES = [("대표", "CEO"), ("이사", "Director"), ("최고기술책임자", "CTO"),
              ("연구소장", "Head of Research"), ("교수", "Professor"), ("선임연구원", "Senior Researcher"),
              ("회장", "Chair"), ("최고운영책임자", "COO")]

ORG_PREFIX = [("한빛", "hanbit"), ("누리", "nuri"), ("다온", "daon"), ("보람", "boram"),
              ("새봄", "saebom"), ("루미", "lumi"), ("하람", "haram"), ("이음", "ieum"),
              ("가온", "gaon"), ("나래", "narae"), ("미르", "mir"), ("별하", "byeolha"),
              ("솔빛", "solbit"), ("아라", "ara"), ("온새", "onsae")]
ORG_MIDDLE = [("", ""), ("데이터", "data"), ("비전", "vision"), ("브레인", "brain"),
              ("로직", "logic"), ("웨이브", "wave"), ("큐브", "cube"), ("링크", "link"),
              ("마인드", "mind"), ("펄스", "pulse"), ("코어", "core"), ("스텝", "step"),
              ("노드", "node"), ("엣지", "edge"), ("하이브", "hive")]
# (suffix ko, suffix en, kind, description ko, description en)
ORG_SUFFIX = [
    ("AI", "AI", "company", "생성형 AI 스타트업", "generative AI start-up"),
    ("랩스", "Labs", "company", "AI 연구 스타트업", "AI research start-up"),
    ("테크", "Tech", "company", "AI 인프라 솔루션 기업", "AI infrastructure solutions company"),
    ("로보틱스", "Robotics", "company", "지능형 로봇 기업", "intelligent robotics company"),
    ("헬스케어", "Healthcare", "company", "의료 AI 기업", "medical AI company"),
    ("소프트", "Soft", "company", "AI 교육 솔루션 기업", "AI education solutions company"),
    ("인공지능연구소", "AI Research Institute", "institute", "민간 AI 연구소", "private AI research institute"),
    ("대학교", "University", "university", "AI 대학원을 둔 대학", "university with an AI graduate school"),
    ("협회", "Association", "association", "AI 산업 협회", "AI industry association"),
    ("시민연대", "Civic Alliance", "civil_society", "디지털 권리 시민단체", "digital rights group"),
]

PUBLISHERS = [("연합뉴스", "yonhap", "news_article", "ko"), ("전자신문", "etnews", "news_article", "ko"),
              ("ZDNet Korea", "zdnet-korea", "news_article", "ko"), ("정책브리핑", "korea-kr", "press_release", "ko"),
              ("보안뉴스", "boannews", "news_article", "ko"), ("디지털데일리", "ddaily", "news_article", "ko"),
              ("The Korea Herald", "korea-herald", "news_article", "en"),
              ("Korea JoongAng Daily", "joongang-daily", "news_article", "en"),
              ("The Korea Times", "korea-times", "news_article", "en"),
              ("국회입법조사처", "nars", "report", "ko")]

RELATIVE_WORDS = ["최근", "지난달", "올해 초", "상반기", "이달 초", "연말", "지난해"]
MEETING_KINDS = [("roundtable", "간담회", "roundtable"), ("review_meeting", "점검 회의", "review meeting"),
                 ("conference", "콘퍼런스", "conference"), ("hearing", "공청회", "public hearing"),
                 ("briefing", "설명회", "briefing"), ("consultation", "협의회", "consultation meeting")]
INITIATIVE_KINDS = [("plan", "추진 계획", "plan"), ("policy", "정책 방향", "policy direction"),
                    ("programme", "지원 사업", "support programme"), ("guideline", "안내서", "guide"),
                    ("strategy", "전략", "strategy"), ("regulation", "고시 개정안", "amended notice"),
                    ("fund", "펀드 조성 계획", "fund")]
STATUS_NEXT = {"planned": "in_preparation", "in_preparation": "published", "published": "completed"}
STATEMENT_KINDS = ["remark", "proposal", "presentation", "pledge"]


def _final_consonant(word: str) -> bool:
    last = word[-1]
    return "가" <= last <= "힣" and (ord(last) - 0xAC00) % 28 != 0


def josa(word: str, with_final: str, without_final: str) -> str:
    """``word`` with the particle that fits its last syllable (은/는, 이/가, 을/를, 과/와)."""
    return word + (with_final if _final_consonant(word) else without_final)


# ============================================================================================
# Event ids, dates and the rows that COPY loads.
# ============================================================================================

_MASK = (1 << 128) - 1
_UUID_MULTIPLIER = 0x9E3779B97F4A7C15F39CC0605CEDC835  # odd: seq -> id is a bijection
_VERSION_BITS = ~(0xF << 76) & ~(0xC << 60) & _MASK


def event_uuid(salt: int, seq: int) -> uuid.UUID:
    """A random-looking version-4 UUID for the seq-th event of a world (no collisions in practice)."""
    value = ((seq * _UUID_MULTIPLIER) ^ salt) & _MASK
    return uuid.UUID(int=(value & _VERSION_BITS) | (4 << 76) | (0x8 << 60))


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
                kind, make = self.pending.pop(0)
            else:
                make = self.makers[bisect.bisect(self.weights, rng.random() * self.weights[-1])]
            stream_id, type_, data, target = make()
            seq = self.seq
            self.seq += 1
            version = self.versions.get(stream_id)
            if type_ in ("initiative.status_changed", "fact.corrected", "fact.retracted"):
                version = (version or 1) + 1
                self.versions[stream_id] = version
            else:
                version = 1
            event_id = event_uuid(self.salt, seq)
            metadata = b'{"source":"bench-replay","correlation_id":"%s"}' % str(event_id).encode()
            rows.append((event_id, stream_id, version, type_, 1, data, metadata))
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
                            f"{'을' if _final_consonant(plan) else '를'} 발표하고 "
                            f"{t2[1]} 관련 후속 조치를 예고했다.")
            elif roll < 0.6 and self.organizations:
                org = self._org_ref()
                sentence = (f"{org[1]}{'은' if _final_consonant(org[1]) else '는'} {t1[1]} 관련 기술 개발 현황과 "
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


# ============================================================================================
# Checking the generated log: what the API would check, without a database.
# ============================================================================================


class Checker:
    """Decodes every event with the vocabulary and checks what the append path checks: the
    stream, references registered earlier, quotes exactly in their source's text, corrections
    that give a valid fact in the target's stream, stream versions without gaps."""

    def __init__(self, salt: int) -> None:
        self.salt = salt
        self.streams: set[str] = set()
        self.versions: dict[str, int] = {}
        self.texts: dict[str, str] = {}
        self.event_ids: set[int] = set()
        self.checked = 0

    def check(self, rows: Sequence[Row], targets: dict[int, Target], first_seq: int) -> None:
        for offset, (event_id, stream_id, version, type_, _, data, metadata) in enumerate(rows):
            fact = events.decode_event(type_, data)
            if events.encode_event_data(fact) != data:
                raise AssertionError(f"not canonical: {type_} {data[:200]!r}")
            msgspec.json.decode(metadata)
            expected = self.versions.get(stream_id, 0) + 1
            if version != expected:
                raise AssertionError(f"{stream_id}: version {version}, expected {expected}")
            self.versions[stream_id] = version
            own = fact.stream_id()
            if own is not None and own != stream_id:
                raise AssertionError(f"{type_} in {stream_id}, belongs to {own}")
            if version == 1 and own is None:
                raise AssertionError(f"{type_} opens stream {stream_id}")
            for ref in fact.references():
                if ref.kind == "event":
                    if uuid.UUID(ref.id).int not in self.event_ids:
                        raise AssertionError(f"{type_}: unknown target {ref.id}")
                elif ref.stream_id not in self.streams:
                    raise AssertionError(f"{type_} {stream_id}: unknown {ref.kind} {ref.id}")
            for evidence in getattr(fact, "evidence", ()):
                if not events.quote_in_text(evidence.quote, self.texts[evidence.source_id]):
                    raise AssertionError(f"{stream_id}: quote not in {evidence.source_id}")
            if type_ in ("fact.corrected", "fact.retracted"):
                target = targets[first_seq + offset]
                if target.stream_id != stream_id or event_uuid(self.salt, target.seq) != fact.target:
                    raise AssertionError(f"{type_} not in its target's stream")
                if type_ == "fact.corrected":
                    events.apply_changes(events.decode_event(target.type, target.data), fact.changes)
            if isinstance(fact, events.SourceRegistered):
                self.texts[fact.source_id] = fact.text
            if version == 1:
                self.streams.add(stream_id)
            self.event_ids.add(event_id.int)
            self.checked += 1


# ============================================================================================
# Databases: create, migrate, load with COPY.
# ============================================================================================

COPY_COLUMNS = ["event_id", "stream_id", "stream_version", "type", "schema_version", "data", "metadata"]


async def _jsonb_bytes(connection: asyncpg.Connection) -> None:
    """jsonb parameters as our ready-made UTF-8 JSON bytes (binary format: a version byte)."""
    await connection.set_type_codec(
        "jsonb",
        schema="pg_catalog",
        encoder=lambda value: b"\x01" + value,
        decoder=lambda value: value[1:],
        format="binary",
    )


@dataclass
class Build:
    name: str
    url: str
    events: int
    counts: dict[str, int]
    generate_seconds: float = 0.0
    load_seconds: float = 0.0
    wall_seconds: float = 0.0
    checked: int = 0
    table_bytes: int = 0
    world: World | None = None


async def build_database(
    url: str, name: str, total: int, seed: int, progress: Progress, *, check: str
) -> Build:
    """Generate ``total`` events and COPY them into ``events`` in chunks, each chunk its own
    transaction; generation of the next chunk (in a thread) overlaps the COPY of the last."""
    world = World(total, seed)
    checker = Checker(world.salt) if check != "none" else None
    label = f"{total:,}"
    gen_task = progress.add_task(f"generate {label} events", total=total)
    load_task = progress.add_task(f"COPY {label} events", total=total)
    build = Build(name, url, total, world.counts, world=world)
    timings = {"generate": 0.0, "load": 0.0}

    def make_chunk(count: int, index: int) -> list[Row]:
        started = time.perf_counter()
        first = world.seq
        rows = world.rows(count)
        if checker is not None and (check == "all" or index % 10 == 0):
            checker.check(rows, world.last_targets, first)
        elif checker is not None:
            # Unchecked chunks still register what later chunks refer to.
            for event_id, stream_id, version, type_, _, data, _ in rows:
                checker.versions[stream_id] = version
                if version == 1:
                    checker.streams.add(stream_id)
                if type_ == "source.registered":
                    fact = events.decode_event(type_, data)
                    checker.texts[fact.source_id] = fact.text
                checker.event_ids.add(event_id.int)
        timings["generate"] += time.perf_counter() - started
        progress.advance(gen_task, count)
        return rows

    connection = await asyncpg.connect(url)
    started = time.perf_counter()
    try:
        await _jsonb_bytes(connection)
        sizes = [min(CHUNK_ROWS, total - offset) for offset in range(0, total, CHUNK_ROWS)]
        next_rows = asyncio.create_task(asyncio.to_thread(make_chunk, sizes[0], 0))
        for index in range(len(sizes)):
            rows = await next_rows
            if index + 1 < len(sizes):
                next_rows = asyncio.create_task(
                    asyncio.to_thread(make_chunk, sizes[index + 1], index + 1)
                )
            copy_started = time.perf_counter()
            # One COPY statement: its own short transaction. ``position`` is an identity
            # column GENERATED ALWAYS, which COPY cannot write: it is left out of the column
            # list and comes from the sequence, like transaction_id and recorded_at from
            # their defaults.
            await connection.copy_records_to_table("events", records=rows, columns=COPY_COLUMNS)
            timings["load"] += time.perf_counter() - copy_started
            progress.advance(load_task, len(rows))
            del rows
        build.wall_seconds = time.perf_counter() - started
        await connection.execute("VACUUM (ANALYZE) events")
        build.table_bytes = await connection.fetchval("SELECT pg_total_relation_size('events')")
        stored = await connection.fetchval("SELECT count(*) FROM events")
        if stored != total:
            raise SystemExit(f"{name}: {stored} events stored, {total} generated")
    finally:
        await connection.close()
    build.generate_seconds = timings["generate"]
    build.load_seconds = timings["load"]
    build.checked = checker.checked if checker else 0
    return build


async def verify_with_appender(url: str, total: int, seed: int, progress: Progress) -> int:
    """Append a small generated log through the service's Appender: the API's own checks
    (vocabulary, stream, references, evidence quotes, correction targets) accept every event."""
    from service.appending import Appender
    from service.http.schemas import AppendRequest, EventBody
    from service.store import PostgresEventStore

    world = World(total, seed)
    rows = world.rows(total)
    pool = await asyncpg.create_pool(url, min_size=1, max_size=2)
    task = progress.add_task(f"append {total:,} via Appender", total=total)
    try:
        store = PostgresEventStore(pool, notify_channel=NOTIFY_CHANNEL)
        appender = Appender(store, pool)
        for event_id, stream_id, version, type_, _, data, metadata in rows:
            body = EventBody(id=event_id, type=type_, data=msgspec.json.decode(data),
                             metadata=msgspec.json.decode(metadata))
            result = await appender.append(
                stream_id, AppendRequest(expected_version=version - 1, events=[body])
            )
            assert result.stream_version == version and not result.duplicate, result
            progress.advance(task)
        stored = await pool.fetch("SELECT event_id, data::text FROM events ORDER BY position")
        # The Appender re-encodes each fact canonically: the stored JSON is what COPY loads.
        same = sum(1 for (r, row) in zip(stored, rows) if r[0] == row[0]
                   and msgspec.json.decode(r[1]) == msgspec.json.decode(row[5]))
        if same != total:
            raise SystemExit(f"appender stored {same} of {total} events as generated")
        await store.notifier.flush()
    finally:
        await pool.close()
    return total


# ============================================================================================
# 2. Replay throughput, with where the time goes.
# ============================================================================================


def _backend_cpu(pid: int) -> float:
    """CPU seconds (user + system) of a local PostgreSQL backend, from /proc."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return float("nan")


@dataclass
class SqlStats:
    calls: int = 0
    rows: int = 0
    seconds: float = 0.0


@dataclass
class ReplayFigure:
    projection: str
    events: int
    seconds: float
    applied: int
    skipped: int
    python_cpu: float
    backend_cpu: float
    batches: int = 0
    statements: int = 0
    runs: int = 0
    read_seconds: float = 0.0
    fold_seconds: float = 0.0
    send_seconds: float = 0.0
    sql: dict[str, SqlStats] = field(default_factory=dict)
    progress: list[tuple[float, int]] = field(default_factory=list)
    """(seconds since the start, events folded) after each batch."""

    def segment_rates(self, parts: int = 10) -> list[float]:
        """Events/s within each tenth of the log: how the rate changes as the tables grow."""
        rates = []
        points = [(0.0, 0), *self.progress]
        for part in range(1, parts + 1):
            low, high = self.events * (part - 1) / parts, self.events * part / parts
            start = next((p for p in points if p[1] >= low), points[-1])
            end = next((p for p in points if p[1] >= high), points[-1])
            if end[0] > start[0]:
                rates.append((end[1] - start[1]) / (end[0] - start[0]))
        return rates

    @property
    def rate(self) -> float:
        return self.events / self.seconds


class TimedConnection:
    """The replay's connection, with a timer around each ``execute`` and ``executemany``:
    handed to the service's own ``send``, whatever way it groups statements."""

    def __init__(self, connection: asyncpg.Connection, figure: ReplayFigure) -> None:
        self._connection = connection
        self._figure = figure

    def __getattr__(self, name: str) -> Any:
        return getattr(self._connection, name)

    def _record(self, sql: str, rows: int, started: float) -> None:
        stats = self._figure.sql.setdefault(sql, SqlStats())
        stats.calls += 1
        stats.rows += rows
        stats.seconds += time.perf_counter() - started

    async def execute(self, sql: str, *args: Any, **kwargs: Any) -> str:
        started = time.perf_counter()
        result = await self._connection.execute(sql, *args, **kwargs)
        # A statement over arrays (unnest) carries one row per array element.
        rows = len(args[0]) if args and isinstance(args[0], list) else 1
        self._record(sql, rows, started)
        return result

    async def executemany(self, sql: str, args: Sequence[Sequence[Any]], **kwargs: Any) -> None:
        started = time.perf_counter()
        result = await self._connection.executemany(sql, args, **kwargs)
        self._record(sql, len(args), started)
        return result


class Instruments:
    """Timers around the replay's feed reads, folds and statements, patched into the replay
    module of this process only (the service's functions do the work; each timer costs about
    a microsecond per call)."""

    def __init__(self) -> None:
        self.figure: ReplayFigure | None = None
        self._originals = (replay_module.read_all_on, replay_module.fold, replay_module.send)

    def install(self) -> None:
        original_read, original_fold, original_send = self._originals
        instruments = self

        async def read_all_on(connection, after, limit, types=None):
            started = time.perf_counter()
            rows = await original_read(connection, after, limit, types)
            figure = instruments.figure
            if figure is not None:
                figure.read_seconds += time.perf_counter() - started
                figure.batches += 1
            return rows

        def fold(projections, batch):
            started = time.perf_counter()
            folded = original_fold(projections, batch)
            figure = instruments.figure
            if figure is not None:
                figure.fold_seconds += time.perf_counter() - started
            return folded

        async def send(connection: asyncpg.Connection, ops: Ops) -> None:
            figure = instruments.figure
            if figure is None:
                await original_send(connection, ops)
                return
            started = time.perf_counter()
            calls = sum(stats.calls for stats in figure.sql.values())
            await original_send(TimedConnection(connection, figure), ops)
            figure.send_seconds += time.perf_counter() - started
            figure.statements += len(ops)
            figure.runs += sum(stats.calls for stats in figure.sql.values()) - calls

        replay_module.read_all_on = read_all_on
        replay_module.fold = fold
        replay_module.send = send

    def uninstall(self) -> None:
        replay_module.read_all_on, replay_module.fold, replay_module.send = self._originals


async def replay_all(
    url: str, batch_size: int, progress: Progress, label: str, instruments: Instruments | None,
    names: Sequence[str] | None = None,
) -> list[ReplayFigure]:
    """Rebuild every projection (or those named) from the whole log, one after another."""
    figures = []
    for projection in PROJECTIONS:
        if names and projection.name not in names:
            continue
        bar = progress.add_task(f"replay {label} {projection.name} ({batch_size}/batch)", total=None)
        py_started = time.process_time()
        started = time.perf_counter()
        rebuild = await Replay.begin(url, projection, batch_size=batch_size)
        pid = rebuild.connection.get_server_pid()
        cpu_started = _backend_cpu(pid)
        cpu_last = [cpu_started]
        figure = ReplayFigure(projection.name, 0, 0.0, 0, 0, 0.0, 0.0)
        if instruments is not None:
            instruments.figure = figure
        progress.update(bar, total=rebuild.status.events_total)

        last_line = [time.perf_counter()]

        async def show(status: ReplayStatus, bar=bar, pid=pid, cpu_last=cpu_last,
                       figure=figure, started=started, last_line=last_line) -> None:
            # Called after each batch's commit, on the replay's connection (still open).
            cpu_last[0] = _backend_cpu(pid)
            now = time.perf_counter()
            figure.progress.append((now - started, status.events_done))
            progress.update(bar, completed=status.events_done, total=status.events_total)
            if not console.is_terminal and now - last_line[0] > 60:
                last_line[0] = now
                console.print(f"  {label} {projection.name}: {status.events_done:,} of "
                              f"{status.events_total:,} after {now - started:,.0f} s")

        status = await rebuild.run(show)
        figure.seconds = time.perf_counter() - started
        figure.python_cpu = time.process_time() - py_started
        figure.backend_cpu = cpu_last[0] - cpu_started
        figure.events = status.events_done
        figure.applied = status.events_applied
        figure.skipped = status.events_skipped
        if instruments is not None:
            instruments.figure = None
        if status.state != "completed":
            raise SystemExit(f"replay of {projection.name}: {status.state} {status.error}")
        if status.events_skipped:
            console.print(f"[red]{projection.name}: {status.events_skipped} events skipped")
        figures.append(figure)
    return figures


async def raw_read(url: str, progress: Progress, label: str) -> tuple[int, float]:
    """The same rows through a bare asyncpg cursor: the floor of reading the log."""
    connection = await asyncpg.connect(url)
    task = progress.add_task(f"raw cursor read {label}", total=None)
    try:
        count = 0
        started = time.perf_counter()
        async with connection.transaction(isolation="repeatable_read", readonly=True):
            async for _row in connection.cursor("SELECT * FROM events ORDER BY position", prefetch=1000):
                count += 1
                if count % 10_000 == 0:
                    progress.update(task, completed=count)
        seconds = time.perf_counter() - started
        progress.update(task, completed=count, total=count)
        return count, seconds
    finally:
        await connection.close()


async def round_trip_floor(url: str) -> float:
    """Median seconds of ``SELECT 1`` on a dedicated connection: one round trip, no work."""
    connection = await asyncpg.connect(url)
    try:
        samples = []
        for _ in range(2000):
            started = time.perf_counter()
            await connection.fetchval("SELECT 1")
            samples.append(time.perf_counter() - started)
        return statistics.median(samples[200:])
    finally:
        await connection.close()


# ============================================================================================
# 3. Append-to-visible latency on the timeline, with a projector running.
# ============================================================================================


def _projector_main(url: str, batch_size: int, poll_interval: float) -> None:
    """Runs in a subprocess: a Projector of every projection, like a service instance's."""
    from service.projections.projector import Projector

    async def main() -> None:
        projector = Projector(
            PROJECTIONS, url, batch_size=batch_size, notify_channel=NOTIFY_CHANNEL,
            poll_interval=poll_interval,
        )
        await projector.start()
        await asyncio.gather(*(r.wait_until_leader() for r in projector.runners.values()))
        print("ready", flush=True)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        loop.add_signal_handler(signal.SIGTERM, stop.set)
        loop.add_signal_handler(signal.SIGINT, stop.set)
        await stop.wait()
        await projector.stop()

    asyncio.run(main())


@dataclass
class LatencyFigure:
    rate: float
    duration: float
    scheduled: int
    appended: int
    failed: int
    achieved_rate: float
    visible: int
    latencies: list[float]
    append_seconds: list[float]
    start_lag: list[float]
    before_return: int
    where: str
    poll_seconds: list[float]
    max_pending: int = 0
    cpu_busy: float = float("nan")
    """Share of all CPU cores busy during the appends (/proc/stat), client and server."""
    projector_cpu: float = float("nan")
    bench_cpu: float = float("nan")

    def pct(self, values: list[float], q: float) -> float:
        if not values:
            return float("nan")
        ordered = sorted(values)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def append_latency(
    build: Build, rate: float, duration: float, progress: Progress, *, in_process: bool,
    batch_size: int, poll_interval: float,
) -> LatencyFigure:
    from service.appending import Appender
    from service.http.schemas import AppendRequest, EventBody
    from service.store import PostgresEventStore

    url = build.url
    world = build.world
    assert world is not None
    count = int(rate * duration)
    # Build every append before the clock starts: statements that are sure to be on a timeline.
    plans = []
    for _ in range(count):
        stream_id, type_, data, _ = world.statement(on_timeline=True)
        event_id = uuid.uuid4()
        plans.append((stream_id, AppendRequest(
            expected_version="no_stream",
            events=[EventBody(id=event_id, type=type_, data=msgspec.json.decode(data),
                              metadata={"source": "bench-replay-live"})],
        ), event_id))

    projector_process = None
    projector = None
    if in_process:
        from service.projections.projector import Projector

        projector = Projector(PROJECTIONS, url, batch_size=batch_size,
                              notify_channel=NOTIFY_CHANNEL, poll_interval=poll_interval)
        await projector.start()
        await asyncio.gather(*(r.wait_until_leader() for r in projector.runners.values()))
    else:
        projector_process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bench.replay", "--_projector", url,
            "--poll-interval", str(poll_interval), "--batch-size", str(batch_size),
            stdout=asyncio.subprocess.PIPE, cwd=os.path.dirname(os.path.dirname(__file__)),
        )
        assert projector_process.stdout is not None
        line = await asyncio.wait_for(projector_process.stdout.readline(), 60)
        if line.strip() != b"ready":
            raise SystemExit(f"projector subprocess: {line!r}")

    pool = await asyncpg.create_pool(url, min_size=16, max_size=16)
    poller = await asyncpg.connect(url)
    store = PostgresEventStore(pool, notify_channel=NOTIFY_CHANNEL)
    appender = Appender(store, pool)
    returned: dict[uuid.UUID, float] = {}
    started_at: dict[uuid.UUID, float] = {}
    seen: dict[uuid.UUID, float] = {}
    append_seconds: list[float] = []
    start_lag: list[float] = []
    poll_seconds: list[float] = []
    failures = 0
    # Appended (or being appended) and not yet seen, oldest first.
    in_flight: dict[uuid.UUID, None] = {}
    max_pending = 0
    done = asyncio.Event()
    task = progress.add_task(f"append {rate:,.0f}/s for {duration:.0f} s, poll timeline", total=count)
    try:
        # Warm the pool's connections (prepared statements) with reads, not appends.
        await asyncio.gather(*(pool.fetchval("SELECT count(*) FROM events WHERE stream_id = $1 "
                                             "AND stream_version = 1", "warm") for _ in range(16)))

        async def append_one(stream_id: str, request: AppendRequest, event_id: uuid.UUID,
                             due: float) -> None:
            nonlocal failures
            begun = time.perf_counter()
            start_lag.append(begun - due)
            started_at[event_id] = begun
            in_flight[event_id] = None
            try:
                await appender.append(stream_id, request)
            except Exception as error:  # counted and reported
                failures += 1
                in_flight.pop(event_id, None)
                console.print(f"[red]append failed: {type(error).__name__}: {error}")
                return
            now = time.perf_counter()
            returned[event_id] = now
            append_seconds.append(now - begun)
            progress.advance(task)

        async def poll() -> None:
            # One query for the pending ids. The projector applies the feed in order, so the
            # oldest pending become visible first: asking for the oldest 500 keeps each poll
            # cheap when a backlog builds up (below 500 pending, every pending id is asked).
            nonlocal max_pending
            query = "SELECT DISTINCT event_id FROM timeline_entries WHERE event_id = ANY ($1::uuid[])"
            while not (done.is_set() and not in_flight):
                if in_flight:
                    max_pending = max(max_pending, len(in_flight))
                    asked = time.perf_counter()
                    rows = await poller.fetch(query, list(itertools.islice(in_flight, 500)))
                    now = time.perf_counter()
                    poll_seconds.append(now - asked)
                    for row in rows:
                        event_id = row[0]
                        seen[event_id] = now
                        in_flight.pop(event_id, None)
                await asyncio.sleep(0.002)

        poller_task = asyncio.create_task(poll())
        tasks = []
        cpu_before = _cpu_times()
        bench_before = time.process_time()
        projector_pid = projector_process.pid if projector_process is not None else None
        projector_before = _process_cpu(projector_pid) if projector_pid else float("nan")
        begin = time.perf_counter() + 0.05
        for number, (stream_id, request, event_id) in enumerate(plans):
            due = begin + number / rate
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(append_one(stream_id, request, event_id, due)))
        await asyncio.gather(*tasks)
        finished = time.perf_counter()
        cpu_after = _cpu_times()
        bench_cpu = time.process_time() - bench_before
        projector_cpu = (_process_cpu(projector_pid) - projector_before) if projector_pid else float("nan")
        done.set()
        try:
            await asyncio.wait_for(poller_task, 120)
        except TimeoutError:
            console.print(f"[red]{len(in_flight)} appended events not visible after 120 s")
            poller_task.cancel()
        last_return = max(returned.values()) if returned else finished
        achieved = len(returned) / (last_return - begin)
    finally:
        await poller.close()
        await store.notifier.flush()
        await pool.close()
        if projector is not None:
            await projector.stop()
        if projector_process is not None:
            projector_process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(projector_process.wait(), 30)
            except TimeoutError:
                projector_process.kill()
    latencies = []
    before_return = 0
    for event_id, at in returned.items():
        if event_id in seen:
            latency = seen[event_id] - at
            if latency < 0:
                before_return += 1
            latencies.append(max(latency, 0.0))
    return LatencyFigure(
        rate=rate, duration=duration, scheduled=count, appended=len(returned), failed=failures,
        achieved_rate=achieved, visible=len(latencies), latencies=latencies,
        append_seconds=append_seconds, start_lag=start_lag, before_return=before_return,
        where="in-process" if in_process else "subprocess", poll_seconds=poll_seconds,
        max_pending=max_pending,
        cpu_busy=1 - (cpu_after[1] - cpu_before[1]) / max(cpu_after[0] - cpu_before[0], 1),
        projector_cpu=projector_cpu, bench_cpu=bench_cpu,
    )


def _cpu_times() -> tuple[int, int]:
    """(total, idle + iowait) jiffies of all cores, from /proc/stat."""
    with open("/proc/stat") as stat:
        values = [int(v) for v in stat.readline().split()[1:]]
    return sum(values), values[3] + values[4]


def _process_cpu(pid: int) -> float:
    return _backend_cpu(pid)


# ============================================================================================
# 4. Timeline pages through the app, at N and at 10k events.
# ============================================================================================


@dataclass
class PageCase:
    name: str
    paths: dict[str, str]
    samples: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    entries: dict[str, int] = field(default_factory=dict)


async def busiest_agency(url: str) -> tuple[str, int]:
    connection = await asyncpg.connect(url)
    try:
        row = await connection.fetchrow(
            "SELECT agency_id, count(*) FROM timeline_entries GROUP BY agency_id "
            "ORDER BY count(*) DESC LIMIT 1"
        )
        return row[0], row[1]
    finally:
        await connection.close()


async def deep_cursor(url: str, agency_id: str, fraction: float) -> tuple[str, int]:
    """The API's own cursor (``SortKey``) of the entry ``fraction`` of the way into the timeline."""
    connection = await asyncpg.connect(url)
    try:
        total = await connection.fetchval(
            "SELECT count(*) FROM timeline_entries WHERE agency_id = $1", agency_id
        )
        row = await connection.fetchrow(
            "SELECT earliest, precision_rank, position FROM timeline_entries WHERE agency_id = $1 "
            "ORDER BY earliest, precision_rank, position OFFSET $2 LIMIT 1",
            agency_id, int(total * fraction),
        )
        return SortKey(row[0], row[1], row[2]).cursor(), int(total * fraction)
    finally:
        await connection.close()


async def page_latency(
    builds: dict[str, Build], agency_id: str, rounds: int, warmup: int, progress: Progress
) -> list[PageCase]:
    from litestar.testing import AsyncTestClient

    from service.app import create_app
    from service.settings import Settings

    settings = Settings(run_projector=False, seed_on_start=False, pool_min_size=2, pool_max_size=4)
    labels = list(builds)
    cursors = {label: (await deep_cursor(b.url, agency_id, 0.9))[0] for label, b in builds.items()}
    # A three-month period in the middle of the world's ten years.
    middle = dt.date.fromordinal(EPOCH + SPAN_DAYS // 2)
    start = middle.isoformat()[:7]
    end = (middle + dt.timedelta(days=62)).isoformat()[:7]
    base = f"/agencies/{agency_id}/timeline?limit=50"
    cases = [
        PageCase("first page", {label: base for label in labels}),
        PageCase("deep page (cursor at 90%)", {l: f"{base}&cursor={cursors[l]}" for l in labels}),
        PageCase(f"from={start}&to={end}", {l: f"{base}&from={start}&to={end}" for l in labels}),
        PageCase("GET /health (bare handler)", {l: "/health" for l in labels}),
    ]
    task = progress.add_task("timeline pages", total=(rounds + warmup) * len(cases) * len(labels))
    async with contextlib.AsyncExitStack() as stack:
        clients = {}
        for label, build in builds.items():
            app = create_app(settings, build.url)
            clients[label] = await stack.enter_async_context(AsyncTestClient(app))
        for case in cases:
            for label in labels:
                response = await clients[label].get(case.paths[label])
                if response.status_code != 200:
                    raise SystemExit(f"{case.name} on {label}: {response.status_code} {response.text[:300]}")
                body = response.json()
                case.entries[label] = len(body.get("entries", []))
        for round_ in range(warmup + rounds):
            order = labels if round_ % 2 == 0 else labels[::-1]
            for case in cases:
                for label in order:
                    client = clients[label]
                    started = time.perf_counter()
                    response = await client.get(case.paths[label])
                    elapsed = time.perf_counter() - started
                    assert response.status_code == 200, response.text
                    if round_ >= warmup:
                        case.samples[label].append(elapsed)
                    progress.advance(task)
    return cases


# ============================================================================================
# The run.
# ============================================================================================


async def server_facts(url: str) -> dict[str, str]:
    connection = await asyncpg.connect(url)
    try:
        facts = {"server": await connection.fetchval("SELECT version()")}
        for setting in ("fsync", "synchronous_commit", "wal_sync_method", "full_page_writes",
                        "shared_buffers", "work_mem", "autovacuum", "jit"):
            facts[setting] = await connection.fetchval("SELECT current_setting($1)", setting)
        facts["client"] = (
            f"Python {platform.python_version()}, asyncpg {asyncpg.__version__}, "
            f"msgspec {msgspec.__version__}, {os.cpu_count()} CPU cores (client and server share them)"
        )
        facts["commit"] = os.environ.get("PT_BENCH_COMMIT") or _git_state()
        with open("/proc/loadavg") as loadavg:
            facts["load average at start"] = " ".join(loadavg.read().split()[:3])
        return facts
    finally:
        await connection.close()


def _git_state() -> str:
    """The commit measured, and whether the code the benchmark runs differs from it."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, check=True,
                                capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "service", "events", "migrations"],
                               cwd=root, check=True, capture_output=True, text=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return commit + (" (service/, events/ or migrations/ modified)" if dirty else "")


@dataclass
class Results:
    facts: dict[str, str]
    builds: dict[str, Build]
    verified: int
    replays: dict[str, list[ReplayFigure]]
    extra_replays: dict[str, list[ReplayFigure]]
    raw_reads: list[tuple[int, float]]
    floor: float
    latency: list[LatencyFigure]
    pages: list[PageCase]
    agency: tuple[str, int, int]
    seconds: dict[str, float]


async def run(args: argparse.Namespace) -> Results:
    admin_url = args.database_url
    big_label = _label(args.events)
    small_label = _label(args.small_events)
    names = {
        big_label: f"{args.database_prefix}_{big_label.lower()}",
        small_label: f"{args.database_prefix}_{small_label.lower()}",
        "verify": f"{args.database_prefix}_verify",
    }
    admin = await asyncpg.connect(admin_url)
    try:
        for name in names.values():
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        for name in names.values():
            await admin.execute(f'CREATE DATABASE "{name}"')
        try:
            urls = {label: database.with_database(admin_url, name) for label, name in names.items()}
            for url in urls.values():
                await asyncio.to_thread(database.migrate, url)
            return await run_on(urls, big_label, small_label, args)
        finally:
            if args.keep:
                console.print(f"[yellow]kept databases {sorted(names.values())} (--keep)")
            else:
                for name in names.values():
                    await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


def _label(count: int) -> str:
    if count % 1_000_000 == 0:
        return f"{count // 1_000_000}M"
    if count % 1000 == 0:
        return f"{count // 1000}k"
    return str(count)


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description:<52}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
        refresh_per_second=2,
    )


async def run_on(
    urls: dict[str, str], big: str, small: str, args: argparse.Namespace
) -> Results:
    facts = await server_facts(urls[big])
    for key, value in facts.items():
        console.print(f"[bold]{key}[/]: {value}")
    seconds: dict[str, float] = {}
    builds: dict[str, Build] = {}
    replays: dict[str, list[ReplayFigure]] = {}
    extra: dict[str, list[ReplayFigure]] = {}
    raw_reads: list[tuple[int, float]] = []
    instruments = None if args.no_instrument else Instruments()
    with _progress() as progress:
        # 1. The logs.
        t = time.perf_counter()
        verified = 0
        if args.verify_events:
            verified = await verify_with_appender(urls["verify"], args.verify_events, args.seed + 2, progress)
        seconds["verify"] = time.perf_counter() - t
        t = time.perf_counter()
        builds[big] = await build_database(urls[big], big, args.events, args.seed, progress, check=args.check)
        seconds[f"build {big}"] = time.perf_counter() - t
        t = time.perf_counter()
        builds[small] = await build_database(urls[small], small, args.small_events, args.seed + 1,
                                             progress, check="all")
        seconds[f"build {small}"] = time.perf_counter() - t
        gc.collect()

        # 2. Replays, beside the raw cursor read of the same rows (before and after).
        floor = await round_trip_floor(urls[big])
        raw_reads.append(await raw_read(urls[big], progress, big))
        if instruments is not None:
            instruments.install()
        try:
            t = time.perf_counter()
            replays[big] = await replay_all(urls[big], args.batch_size, progress, big, instruments,
                                            args.projections)
            seconds[f"replay {big}"] = time.perf_counter() - t
            raw_reads.append(await raw_read(urls[big], progress, big))
            t = time.perf_counter()
            replays[small] = await replay_all(urls[small], args.batch_size, progress, small,
                                              instruments, args.projections)
            seconds[f"replay {small}"] = time.perf_counter() - t
            for size in args.extra_batch_size:
                t = time.perf_counter()
                extra[f"{big} @ {size}"] = await replay_all(urls[big], size, progress, big,
                                                           instruments, args.projections)
                seconds[f"replay {big} @ {size}"] = time.perf_counter() - t
        finally:
            if instruments is not None:
                instruments.uninstall()
        for connection_url in (urls[big], urls[small]):
            connection = await asyncpg.connect(connection_url)
            try:
                await connection.execute("VACUUM (ANALYZE)")
            finally:
                await connection.close()

        # 3. Append-to-visible latency, at each rate asked for.
        latency = []
        for rate in args.rate or [1000.0]:
            if rate <= 0:
                continue
            t = time.perf_counter()
            latency.append(await append_latency(
                builds[big], rate, args.duration, progress, in_process=args.projector_in_process,
                batch_size=args.batch_size, poll_interval=args.poll_interval,
            ))
            seconds[f"latency {rate:,.0f}/s"] = time.perf_counter() - t
            connection = await asyncpg.connect(urls[big])
            try:
                await connection.execute("VACUUM (ANALYZE)")
            finally:
                await connection.close()

        # 4. Timeline pages.
        t = time.perf_counter()
        agency_id, entries_big = await busiest_agency(urls[big])
        connection = await asyncpg.connect(urls[small])
        try:
            entries_small = await connection.fetchval(
                "SELECT count(*) FROM timeline_entries WHERE agency_id = $1", agency_id
            )
        finally:
            await connection.close()
        pages = await page_latency({big: builds[big], small: builds[small]}, agency_id,
                                   args.page_rounds, args.page_warmup, progress)
        seconds["pages"] = time.perf_counter() - t
    for build in builds.values():
        build.world = None
    return Results(facts, builds, verified, replays, extra, raw_reads, floor, latency, pages,
                   (agency_id, entries_big, entries_small), seconds)


# ============================================================================================
# Report.
# ============================================================================================


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f}"


def report(results: Results, args: argparse.Namespace, big: str, small: str) -> None:
    markdown: list[str] = []

    def md(line: str = "") -> None:
        markdown.append(line)

    # -- the logs -----------------------------------------------------------------------------
    table = Table(title="Generated logs (COPY, 50,000-row transactions)")
    for column in ("database", "events", "generate+check s", "COPY s", "wall s", "events/s loaded",
                   "checked", "events table"):
        table.add_column(column, justify="right")
    md("| database | events | generate + check (s) | COPY (s) | wall (s) | events/s loaded | checked | `events` size |")
    md("|---|---:|---:|---:|---:|---:|---:|---:|")
    for label, build in results.builds.items():
        cells = [label, f"{build.events:,}", f"{build.generate_seconds:.1f}", f"{build.load_seconds:.1f}",
                 f"{build.wall_seconds:.1f}", f"{build.events / build.wall_seconds:,.0f}",
                 f"{build.checked:,}", f"{build.table_bytes / 2**20:,.0f} MiB"]
        table.add_row(*cells)
        md("| " + " | ".join(cells) + " |")
    console.print(table)
    md()
    kinds = sorted({k for b in results.builds.values() for k in b.counts})
    md("| event type | " + " | ".join(results.builds) + " |")
    md("|---|" + "---:|" * len(results.builds))
    for kind in kinds:
        md(f"| `{kind}` | " + " | ".join(f"{b.counts.get(kind, 0):,}" for b in results.builds.values()) + " |")
    console.print("event types: " + "; ".join(
        f"{label}: " + ", ".join(f"{k} {v:,}" for k, v in sorted(b.counts.items()))
        for label, b in results.builds.items()))
    if results.verified:
        console.print(f"{results.verified:,} generated events appended through the Appender: all accepted")
    md()

    # -- replays ------------------------------------------------------------------------------
    raw_count, _ = results.raw_reads[0]
    raw_rates = [count / secs for count, secs in results.raw_reads]
    raw_rate = statistics.median(raw_rates)
    for label, figures in [*results.replays.items(), *results.extra_replays.items()]:
        events_n = figures[0].events
        total = sum(f.seconds for f in figures)
        batch = args.batch_size if "@" not in label else int(label.split("@")[1])
        title = (f"Replay of every projection, {label} events, batch {batch}"
                 if len(figures) == len(PROJECTIONS)
                 else f"Replay of {', '.join(f.projection for f in figures)}, {label} events, batch {batch}")
        table = Table(title=title)
        for column in ("projection", "events", "seconds", "events/s", "folded", "python cpu s",
                       "backend cpu s", "feed reads s", "fold s", "statements s", "statements",
                       "round trips / batch"):
            table.add_column(column, justify="right")
        md(f"#### {title}")
        md()
        md("| projection | seconds | events/s | events folded | Python CPU (s) | backend CPU (s) | feed reads (s) | fold (s) | statements (s) | statements | runs per batch |")
        md("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for f in figures:
            per_batch = f.runs / f.batches if f.batches else float("nan")
            cells = [f.projection, f"{f.events:,}", f"{f.seconds:.1f}", f"{f.rate:,.0f}", f"{f.applied:,}",
                     f"{f.python_cpu:.1f}", f"{f.backend_cpu:.1f}", f"{f.read_seconds:.1f}",
                     f"{f.fold_seconds:.1f}", f"{f.send_seconds:.1f}", f"{f.statements:,}", f"{per_batch:,.0f}"]
            table.add_row(*cells)
            md("| " + " | ".join([cells[0], *cells[2:]]) + " |")
        all_rate = events_n / total
        py = sum(f.python_cpu for f in figures)
        be = sum(f.backend_cpu for f in figures)
        cells = ["all, one after another" if len(figures) == len(PROJECTIONS) else
                 "these, one after another", f"{events_n:,}", f"{total:.1f}", f"{all_rate:,.0f}", "",
                 f"{py:.1f}", f"{be:.1f}", f"{sum(f.read_seconds for f in figures):.1f}",
                 f"{sum(f.fold_seconds for f in figures):.1f}", f"{sum(f.send_seconds for f in figures):.1f}",
                 f"{sum(f.statements for f in figures):,}", ""]
        table.add_row(*cells, style="bold")
        md("| **" + cells[0] + "** | " + " | ".join(f"**{c}**" if c else "" for c in cells[2:]) + " |")
        console.print(table)
        md()
        for f in figures:
            if f.seconds > 30:
                rates = ", ".join(f"{r:,.0f}" for r in f.segment_rates())
                line = f"{f.projection}: events/s in each tenth of the log, in order: {rates}"
                console.print(line)
                md(line)
                md()
        met = all_rate >= 150_000
        which = "all projections" if len(figures) == len(PROJECTIONS) else (
            ", ".join(f.projection for f in figures) + " only")
        sentence = (f"{label}: {which} replayed at {all_rate:,.0f} events/s "
                    f"({'met' if met else 'not met'}: target >= 150,000 events/s); raw cursor read "
                    f"{raw_rate:,.0f} events/s; replay/raw = {all_rate / raw_rate:.4f}x")
        console.print(sentence)
        md(sentence)
        md()
    console.print(f"raw cursor reads of {raw_count:,} rows: "
                  + ", ".join(f"{c / s:,.0f} events/s ({s:.1f} s)" for c, s in results.raw_reads)
                  + f"; SELECT 1 round trip {results.floor * 1e6:.0f} µs")
    md(f"Raw cursor reads of the {raw_count:,} rows (before and after the replays): "
       + ", ".join(f"{c / s:,.0f} events/s ({s:.1f} s)" for c, s in results.raw_reads)
       + f". `SELECT 1` round trip on a dedicated connection: {results.floor * 1e6:.0f} µs.")
    md()

    # -- statements of the big replay ---------------------------------------------------------
    figures = results.replays[big]
    if any(f.sql for f in figures):
        table = Table(title=f"Statements of the {big} replay (each run = one execute or executemany)")
        for column in ("projection", "statement", "runs", "rows", "seconds", "µs/row"):
            table.add_column(column, justify="right")
        md(f"Statements of the {big} replay (a run is one `execute`, or one `executemany` of consecutive identical statements):")
        md()
        md("| projection | statement | runs | rows | seconds | µs per row |")
        md("|---|---|---:|---:|---:|---:|")
        for f in figures:
            for sql, stats in sorted(f.sql.items(), key=lambda item: -item[1].seconds):
                name = _statement_name(sql)
                cells = [f.projection, name, f"{stats.calls:,}", f"{stats.rows:,}",
                         f"{stats.seconds:.1f}", f"{stats.seconds / stats.rows * 1e6:,.0f}"]
                table.add_row(*cells)
                md("| " + " | ".join(cells) + " |")
        console.print(table)
        md()

    # -- latency ------------------------------------------------------------------------------
    if results.latency:
        where = results.latency[0].where
        table = Table(title=f"Append-to-visible on the timeline, {big} events, projector {where}")
        columns = ("appends", "target rate", "achieved rate", "visible", "p50 ms", "p95 ms",
                   "p99 ms", "max ms", "CPU busy", "target", "met?")
        for column in columns:
            table.add_column(column, justify="right")
        md(f"Projector: {where}, batch {args.batch_size}, poll interval {args.poll_interval:g} s; "
           f"appends through the `Appender`, {args.duration:g} s per rate, open loop.")
        md()
        md("| appends | target rate | achieved rate | visible | p50 (ms) | p95 (ms) | p99 (ms) | max (ms) | CPU busy | target | met? |")
        md("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|")
        notes = []
        for lat in results.latency:
            p99 = lat.pct(lat.latencies, 0.99)
            met = p99 <= 0.050 and lat.visible == lat.scheduled
            cells = [f"{lat.appended:,}/{lat.scheduled:,}", f"{lat.rate:,.0f}/s", f"{lat.achieved_rate:,.0f}/s",
                     f"{lat.visible:,}", _ms(lat.pct(lat.latencies, 0.5)), _ms(lat.pct(lat.latencies, 0.95)),
                     _ms(p99), _ms(max(lat.latencies) if lat.latencies else float("nan")),
                     f"{lat.cpu_busy:.0%}", "p99 <= 50 ms", "met" if met else "not met"]
            table.add_row(*cells)
            md("| " + " | ".join(cells) + " |")
            notes.append(
                f"{lat.rate:,.0f}/s: append call p50 {_ms(lat.pct(lat.append_seconds, 0.5))} ms, p99 "
                f"{_ms(lat.pct(lat.append_seconds, 0.99))} ms; start lag p99 "
                f"{_ms(lat.pct(lat.start_lag, 0.99))} ms; {len(lat.poll_seconds):,} polls, p50 "
                f"{_ms(lat.pct(lat.poll_seconds, 0.5))} ms; at most {lat.max_pending:,} pending; "
                f"CPU seconds during the appends: projector {lat.projector_cpu:.1f}, this process "
                f"{lat.bench_cpu:.1f}; visible before the append returned: {lat.before_return}; "
                f"failed: {lat.failed}")
        console.print(table)
        md()
        for note in notes:
            console.print(note)
            md(f"- {note}")
        md()

    # -- pages --------------------------------------------------------------------------------
    agency_id, entries_big, entries_small = results.agency
    table = Table(title=f"GET /agencies/{agency_id}/timeline?limit=50 ({entries_big:,} vs {entries_small:,} entries)")
    for column in (f"request", f"{big} median ms", f"{big} p95 ms", f"{small} median ms",
                   f"{small} p95 ms", f"ratio {big}/{small}", "x /health", "target", "met?"):
        table.add_column(column, justify="right")
    md(f"Busiest agency `{agency_id}`: {entries_big:,} timeline entries at {big} events, {entries_small:,} at {small}. "
       f"{args.page_rounds} timed requests per cell after {args.page_warmup} warm-up rounds, databases alternating.")
    md()
    md(f"| request | {big} median (ms) | {big} p95 (ms) | {small} median (ms) | {small} p95 (ms) | ratio {big}/{small} | × `/health` ({big}) | target | met? |")
    md("|---|---:|---:|---:|---:|---:|---:|---|---|")
    health = next(c for c in results.pages if c.name.startswith("GET /health"))
    health_median = statistics.median(health.samples[big])
    for case in results.pages:
        a, b = case.samples[big], case.samples[small]
        ratio = statistics.median(a) / statistics.median(b)
        is_health = case is health
        met = "" if is_health else ("met" if ratio <= 1.2 else "not met")
        cells = [case.name, _ms(statistics.median(a)), _ms(_p(a, 0.95)), _ms(statistics.median(b)),
                 _ms(_p(b, 0.95)), f"{ratio:.2f}x", f"{statistics.median(a) / health_median:.1f}x",
                 "" if is_health else "<= 1.2x", met]
        table.add_row(*cells)
        md("| " + " | ".join(cells) + " |")
    console.print(table)
    console.print("entries per page: " + "; ".join(
        f"{c.name}: " + ", ".join(f"{k} {v}" for k, v in c.entries.items()) for c in results.pages))
    md()
    console.print("phases: " + ", ".join(f"{k} {v:.0f} s" for k, v in results.seconds.items()))
    md("Phases: " + ", ".join(f"{k} {v:.0f} s" for k, v in results.seconds.items()) + ".")
    if args.markdown:
        print()
        print("\n".join(markdown))


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _statement_name(sql: str) -> str:
    """A short name for a projection statement: its verb and table, and the CTE if any."""
    words = " ".join(sql.split())
    if words.startswith("WITH affected"):
        verb = "DELETE" if "DELETE FROM timeline_entries" in words else "INSERT"
        return f"{verb} timeline_entries (affected CTE)"
    parts = words.split()
    if parts[0] == "INSERT":
        return f"INSERT {parts[2]}"
    if parts[0] == "UPDATE":
        kind = "retract" if "retraction = jsonb_build_object" in words else "correct"
        return f"UPDATE {parts[1]} ({kind})"
    return " ".join(parts[:4])


# ============================================================================================
# Command line.
# ============================================================================================


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.replay", description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000, help="events in the big log (default 1,000,000)")
    parser.add_argument("--small-events", type=int, default=10_000, help="events in the small log (default 10,000)")
    parser.add_argument("--verify-events", type=int, default=3_000,
                        help="events appended through the Appender to prove the generator valid (0: skip)")
    parser.add_argument("--check", choices=["all", "sample", "none"], default="all",
                        help="check every generated event of the big log (default), every tenth chunk, or none")
    parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE,
                        help=f"replay and projector batch size (default {DEFAULT_BATCH_SIZE}, the service's)")
    parser.add_argument("--extra-batch-size", type=int, action="append", default=[],
                        help="also replay the big log at this batch size (repeatable; each one is "
                        "another full replay)")
    parser.add_argument("--rate", type=float, action="append", default=[],
                        help="appends per second for the latency case (default 1000; repeatable, "
                        "one run per rate; 0: skip)")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds of appends")
    parser.add_argument("--poll-interval", type=float, default=5.0, help="the projector's slow poll (the service's default)")
    parser.add_argument("--projector-in-process", action="store_true",
                        help="run the projector in this process instead of a subprocess")
    parser.add_argument("--page-rounds", type=int, default=200)
    parser.add_argument("--page-warmup", type=int, default=20)
    parser.add_argument("--projections", type=lambda text: [n for n in text.split(",") if n],
                        default=None, help="replay only these projections (comma-separated); "
                        "the replay totals then cover only them (pages need agencies,timeline)")
    parser.add_argument("--no-instrument", action="store_true",
                        help="no timers around the replay's reads, folds and statements")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL") or DEFAULT_ADMIN_URL,
                        help="an admin URL of the server (default $DATABASE_URL or " + DEFAULT_ADMIN_URL + ")")
    parser.add_argument("--database-prefix", default=DEFAULT_PREFIX,
                        help="databases <prefix>_1m, <prefix>_10k and <prefix>_verify are created and dropped")
    parser.add_argument("--seed", type=int, default=20251127)
    parser.add_argument("--markdown", action="store_true", help="also print Markdown tables")
    parser.add_argument("--keep", action="store_true", help="keep the databases (for profiling)")
    parser.add_argument("--_projector", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    known = {p.name for p in PROJECTIONS}
    if args.projections and not set(args.projections) <= known:
        parser.error(f"--projections: unknown {sorted(set(args.projections) - known)}; known {sorted(known)}")
    if args.events < 1000 or args.small_events < 1000:
        parser.error("--events and --small-events must be at least 1000")
    return args


async def run_cancellable(args: argparse.Namespace) -> Results:
    """``run``, cancelled on SIGINT or SIGTERM so that its ``finally`` drops the databases."""
    task = asyncio.current_task()
    assert task is not None
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, task.cancel)
    try:
        return await run(args)
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args._projector:
        _projector_main(args._projector, args.batch_size, args.poll_interval)
        return 0
    started = time.perf_counter()
    try:
        results = asyncio.run(run_cancellable(args))
    except (KeyboardInterrupt, asyncio.CancelledError):
        console.print("[yellow]interrupted; the benchmark databases were dropped")
        return 130
    report(results, args, _label(args.events), _label(args.small_events))
    console.print(f"total time {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
