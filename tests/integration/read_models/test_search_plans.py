"""A list with ``q`` first walks the list in order for at most ``walk_rows`` rows, walks on
for a bounded number of rows when those hold some matches but not a page, and falls back to
the search index otherwise (``service.queries.search.search_rows``). Whichever answers, the pages are those of a
straightforward reference: the list without ``q``, kept where the row's search text contains
``q`` (in Python), paged by ``limit`` — the same items, in the same order, with the same
``next_cursor`` — now and ``as_of`` an instant before a correction.

The bound is made tiny here (a parameter, not a timing) so that on the seed the walk, the
second walk and the fallback all answer pages, and a walk that reaches its bound on the
page's last item, or just after it, is met too."""

from __future__ import annotations

import pytest

from events.seed import SOURCE_ID
from service.queries import search
from service.queries.initiatives import initiative_page
from service.queries.meetings import meeting_page
from service.queries.paging import SortKey
from service.queries.statements import statement_page
from service.queries.timeline import timeline_page
from service.read_models.search import normalized

# Common on the seed (most rows of a list), a few rows, one row, none; Korean and English.
TERMS = ["개인정보", "ai", "인공지능", "오픈소스", "가명", "존재하지않는말", "generative ai"]
LIMITS = [1, 2, 3, 50]
WALKS = [1, 2, 3, 4, 7, search.WALK_ROWS]

# list: (page function, its items' field, what a search row is: table, id column, extra
# condition), the item's id field
LISTS = {
    "timeline": (
        lambda c, **kw: timeline_page(c, "pipc", **kw), "entries",
        ("timeline_entries", "event_id", "agency_id = 'pipc'"), "event_id",
    ),
    "statements": (
        statement_page, "statements", ("statements", "event_id", "true"), "event_id",
    ),
    "meetings": (meeting_page, "meetings", ("meetings", "event_id", "true"), "event_id"),
    "initiatives": (
        initiative_page, "initiatives",
        ("initiative_history", "initiative_id", "true"), "initiative_id",
    ),
}


async def every_page(page, key: str, limit: int, **params) -> tuple[list, list]:
    """The items of every page in order, and the ``next_cursor`` of each page."""
    items, cursors, after = [], [], None
    while True:
        body = await page(limit=limit, after=after, **params)
        items += getattr(body, key)
        cursors.append(body.next_cursor)
        if body.next_cursor is None:
            return items, cursors
        after = SortKey.parse(body.next_cursor)
        assert len(cursors) < 1000


def reference_cursors(items: list, limit: int, keys: dict, item_id: str) -> list:
    """The cursors of the reference's pages: after each full page that has more after it
    (``keys``: each item's sort key in the list, which may not be its own date's: an entry
    built on meetings sorts after them, docs/read-models.md)."""
    cursors = []
    for end in range(limit, len(items), limit):
        cursors.append(keys[getattr(items[end - 1], item_id)])
    return cursors + [None]


@pytest.fixture
async def corrected(seeded_log, pool):
    """The seed, with copies of its meetings and initiatives (it has two and four), and a
    statement corrected (a replaced version that ``as_of`` before the correction still
    finds); the instant before the correction."""
    copied = {"meeting.held": "meeting_id", "initiative.announced": "initiative_id"}
    for copy in range(3):
        for event in seeded_log.seed_events:
            if (field := copied.get(event.type)) is None:
                continue
            data = seeded_log.data_of(event.stream_id)
            data[field] = f"{data[field]}-{copy}"
            stream = f"{event.stream_id.split('-')[0]}-{data[field]}"
            await seeded_log.append(stream, event.type, data)
    before = await pool.fetchval("SELECT max(recorded_at) FROM events")
    quote = "법적 불확실성 문제를 지적하고"
    await seeded_log.correct(
        "statement-pipc-roundtable-companies-proposals",
        {"text": "법적 불확실성 문제를 지적", "text_en": "Legal uncertainty AI",
         "evidence": [{"source_id": SOURCE_ID, "quote": quote}]},
        "a test", quote,
    )
    return before


@pytest.mark.parametrize("as_of_before", [False, True], ids=["now", "as_of"])
@pytest.mark.parametrize("name", list(LISTS))
async def test_walk_and_fallback_page_like_the_reference(
    connection, corrected, monkeypatch, name, as_of_before
):
    page_function, key, (table, id_column, condition), item_id = LISTS[name]
    as_of = corrected if as_of_before else None
    known = (
        "known_until IS NULL" if as_of is None
        else "known_from <= $1 AND (known_until IS NULL OR known_until > $1)"
    )
    texts = await connection.fetch(
        f"SELECT {id_column} AS id, search_text FROM {table} WHERE {condition} AND {known}",
        *([as_of] if as_of is not None else []),
    )

    async def page(**params):
        return await page_function(connection, as_of=as_of, **params)

    everything, _ = await every_page(page, key, 1000)
    assert len(everything) >= 5
    # Each item's key: the cursor after a page of that item alone.
    one_by_one, keys_after = await every_page(page, key, 1)
    assert one_by_one == everything
    keys = {getattr(item, item_id): after for item, after in zip(one_by_one, keys_after)}

    answered = {"walk": 0, "second walk": 0, "index": 0}
    walked, index_rows = search.walked, search.index_rows

    def walked_spy(rows, walking):
        answered["walk" if walking.start is None else "second walk"] += 1
        return walked(rows, walking)

    async def index_spy(*args):
        answered["index"] += 1
        return await index_rows(*args)

    monkeypatch.setattr(search, "walked", walked_spy)
    monkeypatch.setattr(search, "index_rows", index_spy)
    for term in TERMS:
        q = normalized(term)
        having = {row["id"] for row in texts if q in row["search_text"]}
        expected = [item for item in everything if getattr(item, item_id) in having]
        for limit in LIMITS:
            cursors = reference_cursors(expected, limit, keys, item_id)
            for walk_rows in [*WALKS, 0]:  # 0: the search index only (no walk)
                found, found_cursors = await every_page(
                    page, key, limit, q=q, walk_rows=walk_rows
                )
                assert found == expected, (term, limit, walk_rows)
                assert found_cursors == cursors, (term, limit, walk_rows)
    assert all(answered.values()), answered


@pytest.mark.parametrize("walk_rows", [0, search.WALK_ROWS], ids=["bitmap", "walk"])
@pytest.mark.parametrize("name", list(LISTS))
async def test_a_word_is_not_found_in_a_row_that_has_only_its_bigrams_apart(
    connection, seeded_log, name, walk_rows
):
    # The seed says 다양한 and 양성 (다양, 양성: every bigram of 다양성) but never 다양성.
    page_function, key, (table, id_column, condition), item_id = LISTS[name]
    texts = await connection.fetch(
        f"SELECT {id_column} AS id, search_text FROM {table}"
        f" WHERE {condition} AND known_until IS NULL"
    )
    apart = {
        row["id"] for row in texts
        if "다양" in row["search_text"] and "양성" in row["search_text"]
    }
    assert not any("다양성" in row["search_text"] for row in texts)
    if name == "statements":
        assert apart, "no seed statement has both bigrams: the test would prove nothing"

    async def ids(q: str) -> set:
        body = await page_function(connection, q=q, walk_rows=walk_rows, limit=100)
        return {getattr(item, item_id) for item in getattr(body, key)}

    assert await ids("다양성") == set()
    assert apart <= await ids("다양") and apart <= await ids("양성")
