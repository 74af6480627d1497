"""Every list pages the same way: ``limit`` and ``cursor`` in, ``next_cursor`` out (null on
the last page); walking a list a page at a time gives every item exactly once, in order."""

from __future__ import annotations

import pytest

from events.seed import SOURCE_ID, load_seed

SEED = load_seed()


def ids_of(prefix: str) -> list[str]:
    """The ids of the seed's entities whose streams start with ``prefix``, once each (a
    stream also holds the seed's errata of its entity)."""
    streams = dict.fromkeys(e.stream_id for e in SEED if e.stream_id.startswith(prefix))
    return [stream_id.removeprefix(prefix) for stream_id in streams]


# list path, the key of its items, the item id field
LISTS = [
    ("/agencies", "agencies", "agency_id"),
    ("/agencies/mss/timeline", "entries", "event_id"),
    ("/agencies/pipc/timeline", "entries", "event_id"),
    ("/agencies/mss/initiatives", "initiatives", "initiative_id"),
    ("/initiatives", "initiatives", "initiative_id"),
    ("/meetings", "meetings", "meeting_id"),
    ("/statements", "statements", "statement_id"),
    ("/people", "people", "person_id"),
    ("/organizations", "organizations", "organization_id"),
    ("/sources", "sources", "source_id"),
]


async def walk(api, path: str, key: str, limit: int, **params) -> tuple[list[dict], int]:
    """Every item of a list, page by page; and how many pages it took."""
    items, cursor, pages = [], None, 0
    while pages < 1000:  # a cursor that repeats itself fails instead of looping for ever
        query = {**params, "limit": limit, **({"cursor": cursor} if cursor else {})}
        response = await api.get(path, params=query)
        assert response.status_code == 200, response.text
        body = response.json()
        assert len(body[key]) <= limit
        items += body[key]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            return items, pages
        assert body[key], "a page with a next_cursor is never empty"
    raise AssertionError("no last page within 1000 pages")


@pytest.mark.parametrize(("path", "key", "field"), LISTS)
@pytest.mark.parametrize("limit", [1, 2])
async def test_walking_a_list_gives_every_item_once_in_order(api, path, key, field, limit):
    whole = (await api.get(path, params={"limit": 100})).json()
    assert whole["next_cursor"] is None
    walked, pages = await walk(api, path, key, limit)
    assert [item[field] for item in walked] == [item[field] for item in whole[key]]
    assert len({item[field] for item in walked}) == len(walked) > 0
    assert pages == -(-len(walked) // limit)  # no empty page at the end


async def test_the_lists_hold_what_the_seed_registered(api):
    async def ids(path, key, field, **params):
        return [item[field] for item in (await walk(api, path, key, 2, **params))[0]]

    assert await ids("/people", "people", "person_id") == sorted(ids_of("person-"))
    assert await ids("/organizations", "organizations", "organization_id") == sorted(
        ids_of("organization-")
    )
    assert await ids("/sources", "sources", "source_id") == [SOURCE_ID]
    assert sorted(await ids("/meetings", "meetings", "meeting_id")) == sorted(ids_of("meeting-"))
    assert sorted(await ids("/initiatives", "initiatives", "initiative_id")) == sorted(
        ids_of("initiative-")
    )
    mss = await ids("/initiatives", "initiatives", "initiative_id", agency="mss")
    assert mss == await ids("/agencies/mss/initiatives", "initiatives", "initiative_id")
    assert len(mss) == 2


async def test_list_items_leave_out_what_the_item_by_id_adds(api):
    source = (await api.get("/sources")).json()["sources"][0]
    assert "text" not in source and "facts" not in source
    meeting = (await api.get("/meetings")).json()["meetings"][0]
    assert "statements" not in meeting
    assert (await api.get(f"/meetings/{meeting['meeting_id']}")).json()["statements"]


async def test_one_statement_by_id(api):
    listed = (await api.get("/statements", params={"limit": 1})).json()["statements"][0]
    response = await api.get(f"/statements/{listed['statement_id']}")
    assert response.status_code == 200
    assert response.json() == listed
    missing = await api.get("/statements/no-such-statement")
    assert missing.status_code == 404
    assert missing.json()["type"] == "/problems/statement-not-found"


@pytest.mark.parametrize("path", [path for path, _, _ in LISTS])
@pytest.mark.parametrize("cursor", ["not-a-cursor", "ZC4yMDI1LTAzLTI0LjIuMQ", "aS5tc3M", "%%%"])
async def test_a_malformed_cursor_or_one_of_another_list_is_a_400(api, path, cursor):
    response = await api.get(path, params={"cursor": cursor})
    if response.status_code == 200:
        # The cursor is valid for this kind of list ("d.2025-03-24.2.1" or "i.mss").
        return
    assert response.status_code == 400, response.text
    assert response.json()["type"] == "/problems/invalid-cursor"


async def test_a_cursor_of_a_dated_list_is_refused_by_a_list_by_id_and_back(api):
    dated = (await api.get("/statements", params={"limit": 1})).json()["next_cursor"]
    by_id = (await api.get("/people", params={"limit": 1})).json()["next_cursor"]
    assert (await api.get("/people", params={"cursor": dated})).status_code == 400
    assert (await api.get("/statements", params={"cursor": by_id})).status_code == 400
    assert (await api.get("/meetings", params={"cursor": by_id})).status_code == 400


async def test_a_page_continues_after_its_cursor_while_facts_are_appended(api, seeded_log):
    first = (await api.get("/people", params={"limit": 2})).json()
    await seeded_log.append(
        "person-aaa-first", "person.registered",
        {"person_id": "aaa-first", "name_ko": "가나다", "affiliations": [],
         "evidence": [{"source_id": SOURCE_ID, "quote": "오영주 중기부 장관은"}]},
    )
    rest, _ = await walk(api, "/people", "people", 2, cursor=first["next_cursor"])
    # Sorted before the cursor, the new person is not on a later page; nothing repeats.
    ids = [p["person_id"] for p in first["people"] + rest]
    assert "aaa-first" not in ids and len(ids) == len(set(ids)) == len(ids_of("person-"))
