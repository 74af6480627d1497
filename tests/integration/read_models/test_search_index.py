"""Search in PostgreSQL: the SQL function ``search_bigrams`` (migration 0009) gives the bigrams
that Python's ``bigrams`` gives, the search indexes are the ones a search uses, and a search
``as_of`` an instant reads each row's text as it was known then, on every list and in both
plans (the walk and the bitmap)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from events.seed import SOURCE_ID
from service.queries.common import Query
from service.queries.initiatives import initiative_page
from service.queries.meetings import meeting_page
from service.queries.search import WALK_ROWS, matches
from service.queries.statements import statement_page
from service.queries.timeline import timeline_page
from service.read_models.search import bigrams, normalized, search_text
from tests.integration.read_models.test_corrections import (
    GUIDE_IN_PREPARATION,
    GUIDE_QUOTE,
    GUIDE_STREAM,
)

# Any character PostgreSQL's text holds (not NUL, not a surrogate), and the ones search text
# is made of: Korean, spaces, the newline between parts.
CHARACTERS = st.one_of(
    st.characters(codec="utf-8", exclude_characters="\x00"),
    st.sampled_from("\n \n가명개인정보오픈소스ai"),
    st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3),
)


@hypothesis_settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    text=st.one_of(
        st.text(CHARACTERS, max_size=40),
        st.lists(st.text(CHARACTERS, max_size=12), max_size=4).map(lambda parts: search_text(tuple(parts))),
    )
)
@example(text="")
@example(text="가")
@example(text="\n")
@example(text="가명")
@example(text="a\nb")
@example(text="ab\n\ncd e")
@example(text=" 가 명 ")
async def test_the_sql_bigrams_are_the_python_bigrams(pool, text):
    found = await pool.fetchval("SELECT search_bigrams($1)", text)
    assert set(found) == set(bigrams(text))
    assert len(found) == sum(1 for i in range(len(text) - 1) if "\n" not in text[i : i + 2])


async def test_the_function_is_immutable_strict_parallel_safe_costly_and_never_inlined(pool):
    row = await pool.fetchrow(
        """SELECT provolatile::text, proisstrict, proparallel::text, procost FROM pg_proc
           WHERE proname = 'search_bigrams'"""
    )
    assert tuple(row) == ("i", True, "s", 10000)
    assert await pool.fetchval("SELECT search_bigrams(NULL)") is None
    # Inlined, its body would replace it in plans, and its cost would be its body's (cheap).
    plan = await pool.fetch("EXPLAIN VERBOSE SELECT search_bigrams(search_text) FROM statements")
    assert "search_bigrams(" in "\n".join(row[0] for row in plan)


@pytest.mark.parametrize(
    "table", ["timeline_entries", "statements", "meetings", "initiative_history"]
)
async def test_a_search_finds_rows_through_the_bigram_index(connection, table):
    # A condition written otherwise than the index's expression (COLLATE included) would not
    # use it.
    query = Query()
    condition = matches("t", normalized("오픈소스"), query)
    async with connection.transaction():
        await connection.execute("SET LOCAL enable_seqscan = off")
        plan = await connection.fetch(
            f"EXPLAIN SELECT t.event_id FROM {table} AS t WHERE {condition}", *query.arguments
        )
    assert f"Bitmap Index Scan on {table}_search" in "\n".join(row[0] for row in plan)


STATEMENT_STREAM = "statement-pipc-roundtable-companies-proposals"


def lists(connection):
    """(name, page function, items' field, item id field) of each searched list."""
    return [
        ("timeline", lambda **kw: timeline_page(connection, "pipc", **kw), "entries",
         lambda item: (item.subject.id, item.type)),
        ("statements", lambda **kw: statement_page(connection, **kw), "statements",
         lambda item: item.statement_id),
        ("meetings", lambda **kw: meeting_page(connection, **kw), "meetings",
         lambda item: item.meeting_id),
        ("initiatives", lambda **kw: initiative_page(connection, **kw), "initiatives",
         lambda item: item.initiative_id),
    ]


@pytest.mark.parametrize("walk_rows", [0, WALK_ROWS], ids=["bitmap", "walk"])
async def test_a_search_as_of_before_a_correction_reads_the_text_known_then(
    connection, seeded_log, pool, walk_rows
):
    await seeded_log.append(
        GUIDE_STREAM,
        "initiative.status_changed",
        GUIDE_IN_PREPARATION,
    )
    before = await pool.fetchval("SELECT max(recorded_at) FROM events")
    quote = "법적 불확실성 문제를 지적하고"
    await seeded_log.correct(
        STATEMENT_STREAM,
        {"text": "법적 불확실성 문제를 지적", "text_en": "Legal uncertainty zebra",
         "evidence": [{"source_id": SOURCE_ID, "quote": quote}]},
        "a test", quote,
    )
    await seeded_log.correct(
        GUIDE_STREAM, {"title_en": "Generative AI zebra guide"}, "a test", GUIDE_QUOTE
    )

    async def ids(page, key, item_id, q, as_of=None) -> set:
        body = await page(q=normalized(q), as_of=as_of, walk_rows=walk_rows, limit=100)
        return {item_id(item) for item in getattr(body, key)}

    statement = "pipc-roundtable-companies-proposals"
    guide = "pipc-generative-ai-guide"
    # Only the corrected texts say "zebra"; only the statement's first text says 가명, and
    # the guide's first English title "adopting and using".
    expected_now = {
        "timeline": {(statement, "statement.made"), (guide, "initiative.announced"),
                     (guide, "initiative.status_changed")},
        "statements": {statement},
        "meetings": set(),
        "initiatives": {guide},
    }
    for name, page, key, item_id in lists(connection):
        assert await ids(page, key, item_id, "zebra") == expected_now[name], name
        assert await ids(page, key, item_id, "zebra", before) == set(), name
        old_statement = {(statement, "statement.made")} if name == "timeline" else (
            {statement} if name == "statements" else set()
        )
        assert await ids(page, key, item_id, "가명") == set(), name
        assert await ids(page, key, item_id, "가명", before) == old_statement, name
        old_title = await ids(page, key, item_id, "adopting and using", before)
        now_title = await ids(page, key, item_id, "adopting and using")
        if name == "timeline":
            # The status change is found by its initiative's title as known then.
            assert old_title == {(guide, "initiative.announced"),
                                 (guide, "initiative.status_changed")}
        if name in ("timeline", "initiatives"):
            assert old_title and not now_title, name
