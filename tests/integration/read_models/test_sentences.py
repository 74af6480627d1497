"""``GET /sources/{id}/sentences`` on the seeded article: its sentences with their offsets, the
facts whose evidence lies in each, and the coverage that corrections and retractions change."""

from __future__ import annotations

from datetime import timedelta

from events.seed import ARTICLE_TEXT, SOURCE_ID
from service.desk.sentences import split

PATH = f"/sources/{SOURCE_ID}/sentences"
GUIDE = "initiative-pipc-generative-ai-guide"
"""Announced in the article's last sentence, and cited by nothing else there."""
UNRECORDED = [5, 6, 13, 14, 15, 16]
"""The seed's sentences that no fact cites: the global race for AI talent (5, 6) and what open
source is and why it matters to Korea (13-16), background that states no act of an agency."""


async def sentences(api, **params) -> dict:
    response = await api.get(PATH, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def event_id(log, stream_id: str) -> str:
    return str(log.event_of(stream_id).id)


def by_number(body: dict) -> dict[int, dict]:
    return {sentence["n"]: sentence for sentence in body["sentences"]}


async def test_the_seed_article_has_24_sentences_and_18_covered(api):
    body = await sentences(api)
    assert (body["source_id"], body["total"], body["covered"], body["next_cursor"]) == (
        SOURCE_ID, 24, 18, None,
    )
    assert [(s["n"], s["start"], s["end"], s["text"]) for s in body["sentences"]] == [
        tuple(sentence) for sentence in split(ARTICLE_TEXT)
    ]
    for sentence in body["sentences"]:
        assert ARTICLE_TEXT[sentence["start"]:sentence["end"]] == sentence["text"]
    assert [s["n"] for s in body["sentences"] if not s["facts"]] == UNRECORDED


async def test_a_sentence_lists_the_facts_whose_evidence_lies_in_it(api, seeded_log):
    numbered = by_number(await sentences(api))
    roundtable = numbered[17]
    assert roundtable["text"].startswith("이러한 상황을 고려해 24일 개인정보위는")
    assert roundtable["facts"] == [event_id(seeded_log, "meeting-pipc-ai-startup-roundtable")]
    # Yoo's and Seo's proposals, the people and their companies; not the correction that
    # quotes "또한 이 자리에서" to take the minister's remarks out of the meeting, nor her
    # remarks, which the sentence does not state.
    assert numbered[9]["facts"] == [
        event_id(seeded_log, stream_id) for stream_id in (
            "organization-wrtn-technologies", "organization-klleon", "person-yoo-young-joon",
            "person-seo-ji-ho", "statement-mss-review-yoo-young-joon-proposal",
            "statement-mss-review-seo-ji-ho-proposal",
        )
    ]
    # A fact that quotes three sentences is listed in each.
    meeting = event_id(seeded_log, "meeting-mss-workforce-policy-review")
    assert [n for n, s in numbered.items() if meeting in s["facts"]] == [4, 7, 8]


async def test_a_retraction_uncovers_the_sentence_and_as_of_still_shows_it_covered(
    api, seeded_log, pool
):
    guide = event_id(seeded_log, GUIDE)
    assert by_number(await sentences(api))[24]["facts"] == [guide]
    retraction = await seeded_log.retract(GUIDE, "a test of a retraction", "마련할 계획이다")

    body = await sentences(api)
    assert (body["total"], body["covered"]) == (24, 17)
    # The retraction quotes the same sentence, and records nothing of it either.
    assert by_number(body)[24]["facts"] == []

    recorded = await pool.fetchval(
        "SELECT recorded_at FROM events WHERE event_id = $1", retraction
    )
    before = (recorded - timedelta(microseconds=1)).isoformat()
    then = await sentences(api, as_of=before)
    assert then["covered"] == 18 and by_number(then)[24]["facts"] == [guide]


async def test_a_corrected_fact_covers_the_sentences_its_evidence_now_quotes(api, seeded_log):
    guide = event_id(seeded_log, GUIDE)
    await seeded_log.correct(
        GUIDE,
        # A quote over the end of one sentence and the start of the next covers both.
        {"evidence": [{"source_id": SOURCE_ID, "quote": "부각되고 있다. 한국은 보건의료와"}]},
        "a test of evidence moved",
        "마련할 계획이다",
    )
    body = await sentences(api)
    numbered = by_number(body)
    assert numbered[24]["facts"] == []
    assert numbered[15]["facts"] == numbered[16]["facts"] == [guide]
    assert body["covered"] == 19  # one sentence uncovered, two covered


async def test_the_sentences_come_in_pages_with_the_whole_text_counted_on_each(api):
    first = await sentences(api, limit=10)
    second = await sentences(api, limit=10, cursor=first["next_cursor"])
    last = await sentences(api, limit=10, cursor=second["next_cursor"])
    assert [[s["n"] for s in page["sentences"]] for page in (first, second, last)] == [
        list(range(1, 11)), list(range(11, 21)), list(range(21, 25)),
    ]
    assert last["next_cursor"] is None
    assert {(page["total"], page["covered"]) for page in (first, second, last)} == {(24, 18)}
    exact = await sentences(api, limit=24)
    assert exact["next_cursor"] is None and len(exact["sentences"]) == 24


async def test_an_unknown_source_is_a_404_and_an_unchanged_answer_a_304(api):
    for source_id in ("no-such-source", "Not An Id"):
        response = await api.get(f"/sources/{source_id}/sentences")
        assert response.status_code == 404, response.text
        assert response.json()["type"] == "/problems/source-not-found"
    etag = (await api.get(PATH)).headers["etag"]
    assert (await api.get(PATH, headers={"If-None-Match": etag})).status_code == 304


async def test_a_source_that_no_fact_cites_has_its_sentences_and_none_covered(api, seeded_log):
    stream_id = f"source-{SOURCE_ID}"
    data = {**seeded_log.data_of(stream_id), "source_id": "uncited"}
    await seeded_log.append("source-uncited", "source.registered", data)
    body = (await api.get("/sources/uncited/sentences")).json()
    assert (body["total"], body["covered"]) == (24, 0)
    assert all(sentence["facts"] == [] for sentence in body["sentences"])

