"""Random histories of facts, corrections and retractions, appended over HTTP through every
check: no read endpoint ever answers 5xx, and a rebuild gives what the live path wrote.

Each example gets a fresh seeded database. Whatever the checks refuse (a 422) must leave the
store as it was; whatever they accept must be something every view can show.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import asyncpg
import msgspec
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from litestar.testing import AsyncTestClient

from events.seed import SOURCE_ID, load_seed
from harness.digest import table_digest
from service import database
from service.app import create_app
from service.projections.rebuild import rebuild
from service.read_models import PROJECTIONS
from service.settings import Settings
from service.store import PostgresEventStore
from service.writing import Appender
from service.writing.seeding import seed
from tests.integration.read_models.conftest import catch_up
from tests.integration.read_models.test_paths_agree import drop, fresh_database
from tests.tokens import WRITER, bearer

SEED = load_seed()
SOURCE_TEXT = next(msgspec.json.decode(e.data)["text"] for e in SEED if e.type == "source.registered")
FACTS = [e for e in SEED if e.type not in ("source.registered", "agency.registered")]
PEOPLE = [e.stream_id.removeprefix("person-") for e in SEED if e.type == "person.registered"]
MEETINGS = [e.stream_id.removeprefix("meeting-") for e in SEED if e.type == "meeting.held"]
INITIATIVES = [e.stream_id.removeprefix("initiative-") for e in SEED if e.type == "initiative.announced"]
AGENCIES = ["mss", "pipc"]
QUOTES = [
    "최근 '인력정책 방향 점검 회의'를 개최하고",
    "24일 개인정보위는",
    "오영주 중기부 장관은",
    "AI 스타트업",
]
assert all(quote in SOURCE_TEXT for quote in QUOTES)

dates = st.sampled_from(["2024", "2025-02", "2025-03", "2025-03-04", "2025-03-24", "2025-12-31"])
occurred = st.builds(lambda date, approximate: {"date": date, "approximate": approximate},
                     dates, st.booleans())
texts = st.sampled_from(QUOTES + ["전혀 다른 말", "A statement in English"])
speakers = st.one_of(
    st.builds(lambda p: {"kind": "person", "id": p}, st.sampled_from(PEOPLE)),
    st.builds(lambda a: {"kind": "agency", "id": a}, st.sampled_from(AGENCIES)),
)
changes = st.dictionaries(
    st.sampled_from(["occurred", "text", "verbatim", "kind", "speaker", "meeting", "organiser",
                     "status", "title_ko", "agency", "related_initiatives"]),
    st.none(), min_size=1, max_size=3,
).flatmap(lambda keys: st.fixed_dictionaries({key: {
    "occurred": occurred, "text": texts, "verbatim": st.booleans(),
    "kind": st.sampled_from(["remark", "proposal", "pledge", "roundtable", "plan", "guideline"]),
    "speaker": speakers, "meeting": st.sampled_from(MEETINGS + [None]),
    "organiser": st.sampled_from(AGENCIES), "status": st.sampled_from(["planned", "published"]),
    "title_ko": st.sampled_from(["새 제목", "다른 계획"]), "agency": st.sampled_from(AGENCIES),
    "related_initiatives": st.lists(st.sampled_from(INITIATIVES), max_size=2),
}[key] for key in keys}))


def evidence(quote: str) -> list[dict]:
    return [{"source_id": SOURCE_ID, "quote": quote}]


def correction(target, changes: dict, quote: str) -> tuple[str, dict]:
    return target.stream_id, {"id": str(uuid.uuid4()), "type": "fact.corrected", "data": {
        "target": str(target.id), "changes": changes, "reason": "a later report",
        "evidence": evidence(quote),
    }}


def retraction(target, quote: str) -> tuple[str, dict]:
    return target.stream_id, {"id": str(uuid.uuid4()), "type": "fact.retracted", "data": {
        "target": str(target.id), "reason": "not in the source", "evidence": evidence(quote),
    }}


def statement(speaker: dict, text: str, verbatim: bool, meeting, when: dict, quote: str):
    statement_id = f"random-{uuid.uuid4().hex[:8]}"
    data = {"statement_id": statement_id, "speaker": speaker, "kind": "remark", "text": text,
            "verbatim": verbatim, "occurred": when, "evidence": evidence(quote)}
    if meeting:
        data["meeting"] = meeting
    return f"statement-{statement_id}", {"id": str(uuid.uuid4()), "type": "statement.made", "data": data}


quotes = st.sampled_from(QUOTES)
operations = st.one_of(
    st.builds(correction, st.sampled_from(FACTS), changes, quotes),
    st.builds(retraction, st.sampled_from(FACTS), quotes),
    st.builds(statement, speakers, texts, st.booleans(), st.sampled_from(MEETINGS + [None]),
              occurred, quotes),
)


def read_paths(as_of: str) -> list[str]:
    paths = ["/agencies", "/statements", f"/statements?as_of={as_of}"]
    for agency in AGENCIES:
        paths += [f"/agencies/{agency}", f"/agencies/{agency}/timeline",
                  f"/agencies/{agency}/timeline?as_of={as_of}", f"/agencies/{agency}/initiatives",
                  f"/agencies/{agency}?as_of={as_of}"]
    paths += [f"/meetings/{m}" for m in MEETINGS] + [f"/meetings/{m}?as_of={as_of}" for m in MEETINGS]
    paths += [f"/people/{p}" for p in PEOPLE] + [f"/initiatives/{i}" for i in INITIATIVES]
    paths += [f"/sources/{SOURCE_ID}", "/organizations/klleon"]
    return paths


async def digests(connection) -> dict[str, str]:
    return {p.name: await table_digest(connection, p) for p in PROJECTIONS}


@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
@given(history=st.lists(operations, min_size=1, max_size=12))
async def test_no_random_history_makes_a_read_fail_and_a_rebuild_agrees(
    server_url, template_name, history
):
    name = await fresh_database(server_url, template_name)
    url = database.with_database(server_url, name)
    pool = await asyncpg.create_pool(url, min_size=1, max_size=4)
    app_settings = Settings(database_url=None, seed_on_start=False, run_projector=False)
    try:
        await seed(Appender(PostgresEventStore(pool), pool))
        seeded_at = datetime.now(UTC).isoformat()
        async with AsyncTestClient(create_app(app_settings, url)) as client:
            for stream_id, event in history:
                before = await pool.fetchval("SELECT count(*) FROM events")
                response = await client.post(
                    f"/streams/{stream_id}/events", json={"events": [event]}, headers=bearer(WRITER)
                )
                assert response.status_code in (201, 422), response.text
                if response.status_code == 422:
                    assert await pool.fetchval("SELECT count(*) FROM events") == before
            await catch_up(pool)
            for path in read_paths(seeded_at.replace("+", "%2B")):
                response = await client.get(path)
                assert response.status_code < 500, (path, response.text)
        async with pool.acquire() as connection:
            live = await digests(connection)
            status = await rebuild(url, PROJECTIONS)
            assert status.state == "completed"
            assert await digests(connection) == live
    finally:
        await pool.close()
        await drop(server_url, name)
