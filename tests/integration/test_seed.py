"""The seed article in the log: appended once, through every check, with honest dates."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid

import msgspec
import pytest

import events
from events.seed import ARTICLE_TEXT, SOURCE_ID, load_seed
from service.settings import Settings
from service.store import START
from service.writing import Appender
from service.writing.command import AppendCommand, ProposedEvent
from service.writing.seeding import seed, seed_database
from tests.integration.projector.helpers import every_event_readable


@pytest.fixture
async def seeded(store, pool):
    report = await seed(Appender(store, pool))
    return report


async def all_events(store):
    """Every event, once the feed can read them all: a transaction open elsewhere on the
    server (another test run) holds back what it shows for a while."""
    await every_event_readable(store, store.pool)
    page = await store.read_all(START, limit=10_000)
    return page.events


async def fact(store, stream_id: str) -> dict:
    [first, *_] = await store.read_stream(stream_id)
    return msgspec.json.decode(first.data)


async def test_seeding_twice_leaves_one_copy(store, pool, seeded):
    assert seeded.appended == seeded.events == len(load_seed())
    again = await seed(Appender(store, pool))
    assert again.appended == 0
    assert len(await all_events(store)) == len(load_seed())


async def test_every_seeded_fact_passes_the_checks_and_decodes(store, seeded):
    stored = await all_events(store)
    for event in stored:
        decoded = events.decode_event(event.type, bytes(event.data))
        for evidence in getattr(decoded, "evidence", ()):
            assert evidence.quote in ARTICLE_TEXT


async def test_the_article_is_registered_with_its_full_text(store, seeded):
    source = await fact(store, "source-article-ai-startup-ecosystem-2025-03")
    assert source["text"].encode() == ARTICLE_TEXT.encode()
    assert source["sha256"] == "e986a88a7ba95d739b3b0718256a26855db219e4e003de6a17b4adfde34e02ea"
    assert source["published"]["date"] == "2025-03"


async def test_the_plan_of_last_month_is_february_at_month_precision(store, seeded):
    plan = await fact(store, "initiative-mss-ai-startup-ai-diffusion-plan")
    assert plan["title_ko"] == "AI 스타트업 육성을 통한 AI 활용·확산 방안"
    assert plan["occurred"]["date"] == "2025-02" and plan["occurred"]["original"] == "지난달"


async def test_the_pipc_roundtable_is_on_the_24th_of_march(store, seeded):
    meeting = await fact(store, "meeting-pipc-ai-startup-roundtable")
    assert meeting["organiser"] == "pipc"
    assert meeting["occurred"]["date"] == "2025-03-24"


async def test_the_mss_review_meeting_has_about_twenty_attendees_and_no_invented_day(store, seeded):
    meeting = await fact(store, "meeting-mss-workforce-policy-review")
    assert meeting["organiser"] == "mss"
    assert meeting["attendee_count"]["value"] == 20 and meeting["attendee_count"]["approximate"]
    assert len(meeting["occurred"]["date"]) < 10  # "최근": no day is given


async def test_the_ministers_words_are_quoted_verbatim(store, seeded):
    statements = [
        msgspec.json.decode(e.data) for e in await all_events(store) if e.type == "statement.made"
    ]
    minister = [s for s in statements if s["speaker"].get("id") == "oh-young-ju"]
    assert minister and minister[0]["verbatim"]
    assert "우수한 AI 인재 확보가 선행돼야 한다" in minister[0]["text"]
    chair = [s for s in statements if s["speaker"].get("id") == "ko-hak-soo"]
    assert chair and "오픈소스 이점을 최대한 활용할 필요가 있다" in chair[0]["text"]


async def test_the_pipc_guide_is_planned(store, seeded):
    guides = [
        msgspec.json.decode(e.data) for e in await all_events(store) if e.type == "initiative.announced"
    ]
    guide = [g for g in guides if g["agency"] == "pipc"]
    assert guide and guide[0]["status"] == "planned"
    assert "생성형 AI 도입 및 활용 안내서" in guide[0]["title_ko"]


async def test_the_seed_command_appends_once(database_url):
    environment = {**os.environ, "DATABASE_URL": database_url}

    def run() -> str:
        completed = subprocess.run(
            [sys.executable, "-m", "service.cli", "seed"],
            env=environment, capture_output=True, text=True, timeout=120,
        )
        assert completed.returncode == 0, completed.stderr
        return completed.stdout

    first = await asyncio.to_thread(run)
    second = await asyncio.to_thread(run)
    assert f"{len(load_seed())} appended" in first
    assert "0 appended" in second


FIRST_PUBLISHED = 26  # the seed's events before its errata
FIRST_ERRATA = FIRST_PUBLISHED + 15  # and with the first review's errata (the second's follow)


async def test_a_store_seeded_before_the_errata_gets_them_and_the_same_log(store, pool):
    seed_events = load_seed()
    earlier = await seed(Appender(store, pool), seed_events[:FIRST_PUBLISHED])
    assert earlier.appended == FIRST_PUBLISHED
    upgraded = await seed(Appender(store, pool))
    assert upgraded.appended == len(seed_events) - FIRST_PUBLISHED and upgraded.refused == []
    stored = await all_events(store)
    assert [(e.event_id, e.stream_id) for e in stored] == [(s.id, s.stream_id) for s in seed_events]


async def test_an_erratum_a_store_refuses_is_reported_and_the_rest_appended(store, pool):
    """A store that retracted the minister's remarks before her errata were published keeps
    its own history: the seed says what it could not append and appends everything else."""
    seed_events = load_seed()
    appender = Appender(store, pool)
    await seed(appender, seed_events[:FIRST_PUBLISHED])
    remarks = next(s for s in seed_events if s.stream_id == "statement-mss-review-oh-young-ju-remarks")
    await appender.append(AppendCommand(
        stream_id=remarks.stream_id, expected_version="any", appended_by="test",
        events=[ProposedEvent(id=uuid.uuid4(), type="fact.retracted", data={
            "target": str(remarks.id), "reason": "withdrawn by the test",
            "evidence": [{"source_id": SOURCE_ID, "quote": "오영주 중기부 장관은"}],
        })],
    ))
    report = await seed(appender)
    assert len(report.refused) == 2  # both of her errata
    assert all(r.startswith(remarks.stream_id) and "retracted" in r for r in report.refused)
    stored_ids = {e.event_id for e in await all_events(store)}
    errata = seed_events[FIRST_PUBLISHED:]
    missing = [e.stream_id for e in errata if e.id not in stored_ids]
    assert missing == [remarks.stream_id, remarks.stream_id]


async def test_serve_seeds_an_empty_store_or_one_with_the_seed_and_leaves_others_alone(
    database_url, store, pool
):
    settings = Settings(database_url=database_url)
    seed_events = load_seed()
    first = await seed_database(database_url, settings, on_start=True)
    assert first is not None and first.appended == len(seed_events)
    again = await seed_database(database_url, settings, on_start=True)
    assert again is not None and again.appended == 0


async def test_serve_brings_a_store_seeded_by_an_earlier_release_up_to_date(database_url, store, pool):
    seed_events = load_seed()
    await seed(Appender(store, pool), seed_events[:FIRST_PUBLISHED])
    report = await seed_database(database_url, Settings(database_url=database_url), on_start=True)
    assert report is not None and report.appended == len(seed_events) - FIRST_PUBLISHED
    assert {e.event_id for e in await all_events(store)} == {s.id for s in seed_events}


async def test_serve_gives_a_store_seeded_with_the_first_errata_only_the_second(
    database_url, store, pool
):
    """A store that took the seed with its first errata gets the second review's corrections,
    exactly those, on start; each is checked as the fact it leaves, a field corrected twice
    keeping the later value."""
    seed_events = load_seed()
    await seed(Appender(store, pool), seed_events[:FIRST_ERRATA])
    before = {e.event_id for e in await all_events(store)}
    report = await seed_database(database_url, Settings(database_url=database_url), on_start=True)
    assert report is not None and report.refused == []
    assert report.appended == len(seed_events) - FIRST_ERRATA == 10
    stored = await all_events(store)
    new = [(e.event_id, e.stream_id, e.type) for e in stored if e.event_id not in before]
    assert new == [(s.id, s.stream_id, s.type) for s in seed_events[FIRST_ERRATA:]]
    assert {t for _, _, t in new} == {"fact.corrected"}
    stream = await store.read_stream("meeting-pipc-ai-startup-roundtable")
    _held, first, second = (msgspec.json.decode(e.data) for e in stream)
    assert "참석 기업들이" in first["changes"]["summary_ko"]  # the first erratum stays in the log
    assert second["target"] == first["target"] == str(stream[0].event_id)
    assert second["changes"]["summary_ko"].endswith("애로·건의사항을 제시하는 시간을 가졌다.")


async def test_serve_does_not_force_the_seed_on_a_store_of_other_facts(database_url, store, pool):
    text = "다른 기사의 본문."
    await Appender(store, pool).append(AppendCommand(
        stream_id="source-other", expected_version="no_stream", appended_by="test",
        events=[ProposedEvent(id=uuid.uuid4(), type="source.registered", data={
            "source_id": "other", "title": "다른 기사", "language": "ko",
            "text": text, "sha256": events.sha256_text(text),
        })],
    ))
    assert await seed_database(database_url, Settings(database_url=database_url), on_start=True) is None
    assert len(await all_events(store)) == 1
