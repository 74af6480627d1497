"""Read-model rows are versions: a correction closes the old version and opens a new one at the
instant it was recorded; the live path and a rebuild write the very same versions."""

from __future__ import annotations

import asyncio

from harness.digest import table_digest
from service.projections.rebuild import rebuild
from service.projections.runner import ProjectionRunner
from service.read_models import PROJECTIONS

MEETING = "meeting-mss-workforce-policy-review"
MEETING_QUOTE = "최근 '인력정책 방향 점검 회의'를 개최하고"


async def versions(pool, table: str, event_id) -> list[tuple]:
    rows = await pool.fetch(
        f"""SELECT made_by, known_from, known_until FROM {table}
            WHERE event_id = $1 ORDER BY made_by, known_from""",
        event_id,
    )
    return [tuple(row) for row in rows]


async def event_row(pool, event_id):
    return await pool.fetchrow("SELECT position, recorded_at FROM events WHERE event_id = $1", event_id)


async def test_a_correction_closes_the_old_version_when_it_was_recorded_and_opens_the_new_one(
    seeded_log, pool
):
    meeting = seeded_log.event_of(MEETING).id
    held = await event_row(pool, meeting)
    # The seed's two errata of the meeting's English summary made the later versions.
    [first, (first_erratum_position, first_erratum_at, first_erratum_until), (
        erratum_position, erratum_at, still_current
    )] = await versions(pool, "facts", meeting)
    assert first == (held["position"], held["recorded_at"], first_erratum_at)
    assert first_erratum_until == erratum_at and still_current is None
    correction = await seeded_log.correct(
        MEETING, {"occurred": {"date": "2025-03-20"}}, "a later report", MEETING_QUOTE
    )
    corrected = await event_row(pool, correction)

    expected = [
        first,
        (first_erratum_position, first_erratum_at, erratum_at),
        (erratum_position, erratum_at, corrected["recorded_at"]),
        (corrected["position"], corrected["recorded_at"], None),
    ]
    assert await versions(pool, "facts", meeting) == expected
    assert await versions(pool, "meetings", meeting) == expected
    entries = await pool.fetch(
        """SELECT earliest, known_until IS NULL AS current FROM timeline_entries
           WHERE event_id = $1 AND agency_id = 'mss' ORDER BY made_by""",
        meeting,
    )
    assert [(str(row["earliest"]), row["current"]) for row in entries] == [
        ("2025-03-01", False),
        ("2025-03-01", False),
        ("2025-03-01", False),
        ("2025-03-20", True),
    ]


async def test_a_person_corrected_moves_the_entries_of_their_statements_to_a_new_version(
    seeded_log, pool
):
    before = await pool.fetch(
        """SELECT DISTINCT e.agency_id FROM timeline_entries AS e JOIN facts AS f USING (event_id)
           WHERE f.known_until IS NULL AND e.known_until IS NULL AND f.type = 'statement.made'
             AND f.fact -> 'speaker' ->> 'id' = 'oh-young-ju' AND 'speaker' = ANY (e.roles)"""
    )
    await seeded_log.correct(
        "person-oh-young-ju",
        {"affiliations": [{"kind": "agency", "id": "pipc", "title_ko": "장관"}]},
        "a test of a person moving",
        "오영주 중기부 장관은",
    )
    after = await pool.fetch(
        """SELECT DISTINCT e.agency_id FROM timeline_entries AS e JOIN facts AS f USING (event_id)
           WHERE f.known_until IS NULL AND e.known_until IS NULL AND f.type = 'statement.made'
             AND f.fact -> 'speaker' ->> 'id' = 'oh-young-ju' AND 'speaker' = ANY (e.roles)"""
    )
    assert [row[0] for row in before] == ["mss"]
    assert [row[0] for row in after] == ["pipc"]


async def digests(pool) -> dict[str, str]:
    async with pool.acquire() as connection:
        return {p.name: await table_digest(connection, p) for p in PROJECTIONS}


async def test_the_live_path_and_a_rebuild_write_the_same_versions_of_every_table(
    seeded_log, pool, database_url
):
    await seeded_log.correct(
        MEETING, {"organiser": "pipc", "occurred": {"date": "2025-03-11"}}, "a test", MEETING_QUOTE
    )
    await seeded_log.correct(
        "person-oh-young-ju",
        {"affiliations": [{"kind": "agency", "id": "pipc", "title_ko": "장관"}]},
        "a test of a person moving",
        "오영주 중기부 장관은",
    )
    await seeded_log.retract(
        "statement-pipc-roundtable-companies-proposals", "a test", "24일 개인정보위는"
    )
    live = await digests(pool)
    status = await rebuild(database_url, PROJECTIONS, batch_size=3, chunk_size=7)
    assert status.state == "completed"
    assert await digests(pool) == live


async def test_a_projection_behind_facts_is_rebuilt_when_the_runner_leads(
    seeded_log, pool, database_url
):
    live = await digests(pool)
    # As if the timeline had been added since: no checkpoint, no rows.
    await pool.execute("DELETE FROM projection_checkpoints WHERE name = 'timeline'")
    await pool.execute("DELETE FROM timeline_entries")

    runner = ProjectionRunner(PROJECTIONS, database_url, poll_interval=0.2, retry_interval=0.05)
    task = asyncio.create_task(runner.run())
    try:
        await catch_up_by(pool)
        assert await digests(pool) == live
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def catch_up_by(pool) -> None:
    """Wait until the timeline's checkpoint is back (the runner's rebuild swapped it in)."""
    for _ in range(600):
        if await pool.fetchval("SELECT count(*) FROM timeline_entries"):
            row = await pool.fetchval(
                "SELECT position FROM projection_checkpoints WHERE name = 'timeline'"
            )
            if row:
                return
        await asyncio.sleep(0.05)
    raise AssertionError("the timeline was not rebuilt")
