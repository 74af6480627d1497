"""Property: whatever amendments the log holds and however the live path batches them, a full
rebuild writes exactly the tables the live path wrote, versions included."""

from __future__ import annotations

import asyncio
import uuid

import asyncpg
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from events.seed import SOURCE_ID, load_seed
from harness.digest import table_digest
from service import database
from service.projections.rebuild import rebuild
from service.projections.runner import apply_next_batch
from service.read_models import PROJECTIONS
from service.store import PostgresEventStore
from service.writing import AppendCommand, Appender, BadFact, ProposedEvent
from service.writing.seeding import seed

SEED = load_seed()
MEETING = "meeting-mss-workforce-policy-review"
MEETING_QUOTE = "최근 '인력정책 방향 점검 회의'를 개최하고"
STATEMENTS = sorted({e.stream_id for e in SEED if e.type == "statement.made"})
# The minister's remarks are not among them: the seed's errata took them out of the meeting.
AT_THE_MEETING = [
    "statement-mss-review-policies-presented",
    "statement-mss-review-yoo-young-joon-proposal",
    "statement-mss-review-seo-ji-ho-proposal",
]


def first_event(stream_id: str) -> uuid.UUID:
    return next(event.id for event in SEED if event.stream_id == stream_id)


def correction(stream_id: str, changes: dict, quote: str) -> tuple[str, str, dict]:
    return stream_id, "fact.corrected", {
        "target": str(first_event(stream_id)), "changes": changes, "reason": "a test",
        "evidence": [{"source_id": SOURCE_ID, "quote": quote}],
    }


def retraction(stream_id: str) -> tuple[str, str, dict]:
    return stream_id, "fact.retracted", {
        "target": str(first_event(stream_id)), "reason": "a test",
        "evidence": [{"source_id": SOURCE_ID, "quote": "24일 개인정보위는"}],
    }


amendments = st.one_of(
    st.builds(
        lambda day, organiser: correction(
            MEETING, {"occurred": {"date": f"2025-03-{day:02d}"}, "organiser": organiser},
            MEETING_QUOTE,
        ),
        st.integers(1, 31),
        st.sampled_from(["mss", "pipc"]),
    ),
    st.builds(
        lambda agency: correction(
            "person-oh-young-ju",
            {"affiliations": [{"kind": "agency", "id": agency, "title_ko": "장관"}]},
            "오영주 중기부 장관은",
        ),
        st.sampled_from(["mss", "pipc"]),
    ),
    st.builds(retraction, st.sampled_from(STATEMENTS)),
    # A statement made at the meeting gets a date of its own, or is dated by its meeting again
    # (as the seed's errata left it): a correction of the meeting moves it then.
    st.builds(
        lambda stream_id, occurred: correction(stream_id, {"occurred": occurred}, MEETING_QUOTE),
        st.sampled_from(AT_THE_MEETING),
        st.sampled_from([None, {"date": "2025-03", "approximate": True}]),
    ),
)


async def fresh_database(server_url: str, template: str) -> str:
    name = f"pt_prop_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(server_url)
    try:
        await admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    finally:
        await admin.close()
    return name


async def drop(server_url: str, name: str) -> None:
    admin = await asyncpg.connect(server_url)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


async def fold_all(connection, batch_size: int) -> None:
    """Fold until every checkpoint is at the last committed event (the feed may wait a moment
    for a transaction elsewhere on the server)."""
    last = await connection.fetchval("SELECT max(position) FROM events")
    for _ in range(2000):
        if not await apply_next_batch(connection, PROJECTIONS, batch_size):
            folded = await connection.fetchval(
                "SELECT min(position) FROM projection_checkpoints WHERE name = ANY ($1::text[])",
                [p.name for p in PROJECTIONS],
            )
            if folded is not None and folded >= last:
                return
            await asyncio.sleep(0.05)
    raise AssertionError("the live path did not catch up")


async def digests(connection) -> dict[str, str]:
    return {p.name: await table_digest(connection, p) for p in PROJECTIONS}


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    groups=st.lists(st.lists(amendments, min_size=1, max_size=3), min_size=1, max_size=3),
    batch_size=st.integers(1, 40),
    chunk_size=st.integers(1, 60),
)
async def test_a_rebuild_writes_what_the_live_path_wrote(
    server_url, template_name, groups, batch_size, chunk_size
):
    name = await fresh_database(server_url, template_name)
    url = database.with_database(server_url, name)
    pool = await asyncpg.create_pool(url, min_size=1, max_size=4)
    try:
        appender = Appender(PostgresEventStore(pool), pool)
        await seed(appender)
        async with pool.acquire() as connection:
            await fold_all(connection, batch_size)
            for group in groups:
                for stream_id, type_, data in group:
                    event = ProposedEvent(id=uuid.uuid4(), type=type_, data=data)
                    try:
                        await appender.append(AppendCommand(
                            stream_id=stream_id, expected_version="any", events=[event],
                            appended_by="test",
                        ))
                    except BadFact as refused:
                        # The strategy may retract a statement twice: the second is refused.
                        assert refused.slug == "target-retracted", refused
                await fold_all(connection, batch_size)
            live = await digests(connection)
            status = await rebuild(url, PROJECTIONS, batch_size=batch_size, chunk_size=chunk_size)
            assert status.state == "completed"
            assert await digests(connection) == live
    finally:
        await pool.close()
        await drop(server_url, name)
