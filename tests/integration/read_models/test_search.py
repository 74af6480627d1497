"""``q`` finds Korean and English text (titles, texts, summaries, notes, evidence quotes) by
substring, two characters and more, through the search index; results keep their order and
paging."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from events.seed import SOURCE_ID

SEARCHABLE = [
    ("/agencies/pipc/timeline", "entries"),
    ("/statements", "statements"),
    ("/initiatives", "initiatives"),
    ("/meetings", "meetings"),
]


async def found(api, path: str, key: str, **params) -> list[dict]:
    response = await api.get(path, params=params)
    assert response.status_code == 200, response.text
    return response.json()[key]


def subject(item: dict) -> str:
    for field in ("statement_id", "meeting_id", "initiative_id"):
        if field in item:
            return item[field]
    return item["subject"]["id"]


async def test_a_two_syllable_korean_word_finds_the_statement_that_says_it(api):
    statements = await found(api, "/statements", "statements", q="가명")
    assert [s["statement_id"] for s in statements] == ["pipc-roundtable-companies-proposals"]
    assert "가명" in statements[0]["text"]


async def test_a_korean_word_finds_it_in_texts_titles_summaries_and_quotes(api):
    statements = await found(api, "/statements", "statements", q="오픈소스")
    assert {s["statement_id"] for s in statements} == {
        "pipc-roundtable-scatter-lab-presentation",
        "pipc-roundtable-moreh-presentation",
        "pipc-roundtable-elice-group-presentation",
        "pipc-ko-hak-soo-open-source-remarks",
    }
    meetings = await found(api, "/meetings", "meetings", q="오픈소스")
    assert [m["meeting_id"] for m in meetings] == ["pipc-ai-startup-roundtable"]  # summary
    initiatives = await found(api, "/initiatives", "initiatives", q="오픈소스")
    assert [i["initiative_id"] for i in initiatives] == ["pipc-generative-ai-guide"]
    entries = await found(api, "/agencies/pipc/timeline", "entries", q="오픈소스")
    assert {e["subject"]["id"] for e in entries} == {
        "pipc-ai-startup-roundtable", "pipc-generative-ai-guide",
        *(s["statement_id"] for s in statements),
    }


async def test_english_is_found_in_any_case(api):
    lower = await found(api, "/statements", "statements", q="open-source")
    assert lower == await found(api, "/statements", "statements", q="OPEN-Source")
    assert {s["statement_id"] for s in lower} >= {"pipc-roundtable-scatter-lab-presentation"}
    guide = await found(api, "/initiatives", "initiatives", q="generative ai")
    assert [i["initiative_id"] for i in guide] == ["pipc-generative-ai-guide"]


def widened(text: str, which: list[bool]) -> str:
    """``text`` with the characters that ``which`` picks in their full-width forms (as a
    Korean input method in full-width mode types them): ASCII letters, digits and signs to
    U+FF01..FF5E, a space to the ideographic space."""
    def wide(character: str) -> str:
        if character == " ":
            return "\u3000"
        return chr(ord(character) + 0xFEE0) if "!" <= character <= "~" else character

    return "".join(wide(c) if pick else c for c, pick in zip(text, which, strict=True))


@hypothesis_settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
async def test_a_full_width_query_finds_what_its_plain_form_finds(api, data):
    term = data.draw(st.sampled_from(["ai", "open-source", "generative ai", "AI 인재"]))
    which = data.draw(st.lists(st.booleans(), min_size=len(term), max_size=len(term)))
    typed = widened(term, which)
    anything = False
    for path, key in SEARCHABLE:
        plain = await found(api, path, key, q=term)
        assert await found(api, path, key, q=typed) == plain, (path, typed)
        anything = anything or bool(plain)
    assert anything, f"{term!r} finds nothing: a vacuous example"


async def test_compatibility_jamo_find_the_syllables_they_spell(api):
    # ㅅㅡㅌㅏㅌㅡ, letter by letter, is 스타트 (NFKC joins the jamo into syllables).
    spelled = await found(api, "/statements", "statements", q="ㅅㅡㅌㅏㅌㅡ")
    assert spelled == await found(api, "/statements", "statements", q="스타트")
    assert spelled


async def test_a_quote_is_searched_too(api):
    # Only an evidence quote of the MSS review meeting has this phrase, not its titles.
    meetings = await found(api, "/meetings", "meetings", q="참석한 가운데")
    assert [m["meeting_id"] for m in meetings] == ["mss-workforce-policy-review"]
    assert "참석한 가운데" not in meetings[0]["summary_ko"]


@pytest.mark.parametrize(("path", "key"), SEARCHABLE)
async def test_search_keeps_the_order_and_pages_like_the_list(api, path, key):
    everything = await found(api, path, key, limit=100)
    matching = await found(api, path, key, q="오픈소스", limit=100)
    assert [subject(i) for i in matching] == [
        subject(i) for i in everything if i in matching
    ]
    walked, cursor = [], None
    for _ in range(1000):  # a cursor that repeats itself fails instead of looping for ever
        params = {"q": "오픈소스", "limit": 1, **({"cursor": cursor} if cursor else {})}
        body = (await api.get(path, params=params)).json()
        walked += body[key]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    else:
        raise AssertionError("no last page within 1000 pages")
    assert walked == matching


@pytest.mark.parametrize(("path", "key"), SEARCHABLE)
async def test_no_match_is_an_empty_last_page(api, path, key):
    response = await api.get(path, params={"q": "존재하지않는말"})
    assert response.status_code == 200
    assert response.json()[key] == [] and response.json()["next_cursor"] is None


@pytest.mark.parametrize("q", ["가", " a ", "x" * 201])
async def test_a_query_too_short_or_too_long_is_a_400(api, q):
    response = await api.get("/statements", params={"q": q})
    assert response.status_code == 400
    assert response.json()["type"] == "/problems/invalid-q"


async def test_like_wildcards_are_plain_characters(api):
    assert await found(api, "/statements", "statements", q="%%") == []
    assert await found(api, "/statements", "statements", q="__") == []


async def test_a_correction_is_searched_as_corrected_and_as_of_before_it(api, seeded_log, pool):
    stream = "statement-pipc-roundtable-companies-proposals"
    before = await pool.fetchval("SELECT max(recorded_at) FROM events")
    quote = "법적 불확실성 문제를 지적하고"
    changes = {
        "text": "법적 불확실성 문제를 지적", "text_en": "Legal uncertainty",
        "evidence": [{"source_id": SOURCE_ID, "quote": quote}],
    }
    await seeded_log.correct(stream, changes, "a test", quote)
    assert await found(api, "/statements", "statements", q="가명") == []
    then = await found(api, "/statements", "statements", q="가명", as_of=before.isoformat())
    assert [s["statement_id"] for s in then] == ["pipc-roundtable-companies-proposals"]
    now = await found(api, "/statements", "statements", q="legal uncertainty")
    assert [s["statement_id"] for s in now] == ["pipc-roundtable-companies-proposals"]


async def test_the_source_text_is_not_searched_only_the_quotes(api):
    # The article has this sentence; no fact quotes it.
    assert await found(api, "/statements", "statements", q="정부가 AI 시대 경쟁력") == []
