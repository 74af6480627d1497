"""``as_of`` on every read endpoint answers what the service answered at that instant.

The log grows one amendment at a time; after each, every endpoint's answer is kept with the
instant its event was recorded. At the end, each endpoint asked ``as_of`` each kept instant
must give the kept answer: time travel is the past as it was served, corrections and
retractions included, read from versioned rows rather than a fold of the log.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from events.seed import SOURCE_ID

ENDPOINTS = [
    "/agencies",
    "/agencies/mss",
    "/agencies/pipc",
    "/agencies/mss/timeline",
    "/agencies/pipc/timeline",
    "/agencies/pipc/timeline?from=2025-03&to=2025-03",
    "/agencies/mss/initiatives",
    "/agencies/pipc/initiatives",
    "/initiatives/pipc-generative-ai-guide",
    "/meetings/mss-workforce-policy-review",
    "/meetings/pipc-ai-startup-roundtable",
    "/statements",
    "/statements?agency=pipc",
    "/people/oh-young-ju",
    "/people/ko-hak-soo",
    f"/sources/{SOURCE_ID}",
    f"/sources/{SOURCE_ID}/sentences",
    "/initiatives",
    "/meetings",
    "/people",
    "/organizations",
    "/sources",
    "/statements/pipc-roundtable-companies-proposals",
    "/statements?q=%EA%B0%80%EB%AA%85",  # 가명
    "/agencies/pipc/timeline?q=%EC%98%A4%ED%94%88%EC%86%8C%EC%8A%A4",  # 오픈소스
    "/meetings?q=AI%20startup",
    "/initiatives?q=%EC%98%A4%ED%94%88%EC%86%8C%EC%8A%A4&limit=1",
]


async def answers(client) -> dict[str, object]:
    found = {}
    for path in ENDPOINTS:
        response = await client.get(path)
        assert response.status_code == 200, (path, response.text)
        found[path] = response.json()
    return found


async def recorded_at(pool, event_id) -> str:
    instant = await pool.fetchval("SELECT recorded_at FROM events WHERE event_id = $1", event_id)
    return instant.isoformat()


def as_of(path: str, instant: str) -> str:
    separator = "&" if "?" in path else "?"
    return f"{path}{separator}as_of={instant.replace('+', '%2B')}"


@pytest.fixture
async def history(seeded_log, client, pool):
    """(instant, every endpoint's answer then), after the seed and after each amendment."""
    log = seeded_log
    kept = []
    last_seed = log.seed_events[-1].id
    kept.append((await recorded_at(pool, last_seed), await answers(client)))
    amendments = [
        log.correct(
            "meeting-mss-workforce-policy-review",
            {"organiser": "pipc", "occurred": {"date": "2025-03-11"}},
            "a later report",
            "최근 '인력정책 방향 점검 회의'를 개최하고",
        ),
        log.correct(
            "person-oh-young-ju",
            {"affiliations": [{"kind": "agency", "id": "pipc", "title_ko": "장관"}]},
            "a test of a person moving",
            "오영주 중기부 장관은",
        ),
        log.retract(
            "statement-pipc-roundtable-companies-proposals", "a test", "24일 개인정보위는"
        ),
        log.correct(
            "meeting-mss-workforce-policy-review",
            {"occurred": {"date": "2025-03-20"}},
            "a still later report",
            "최근 '인력정책 방향 점검 회의'를 개최하고",
        ),
    ]
    for amendment in amendments:
        event_id = await amendment
        kept.append((await recorded_at(pool, event_id), await answers(client)))
    return kept


async def test_every_endpoint_as_of_each_instant_answers_what_it_answered_then(client, history):
    for instant, then in history:
        for path, answer in then.items():
            response = await client.get(as_of(path, instant))
            assert response.status_code == 200, (path, response.text)
            assert response.json() == answer, f"{path} as of {instant}"


async def test_the_amendments_changed_the_answers_so_the_comparison_means_something(history):
    first, last = history[0][1], history[-1][1]
    changed = [path for path in ENDPOINTS if first[path] != last[path]]
    assert "/agencies/mss/timeline" in changed and "/people/oh-young-ju" in changed
    assert "/meetings/mss-workforce-policy-review" in changed


async def test_as_of_before_anything_was_recorded_knows_no_agency(client, history):
    before = (datetime_of(history[0][0]) - timedelta(days=1)).isoformat()
    assert (await client.get(as_of("/agencies", before))).json() == {
        "agencies": [], "next_cursor": None
    }
    response = await client.get(as_of("/agencies/mss/timeline", before))
    assert response.status_code == 404


def datetime_of(text: str):
    from datetime import datetime

    return datetime.fromisoformat(text)
