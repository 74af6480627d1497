"""The offsets the read models answer are where each quote stands in the seed article."""

from __future__ import annotations

from events.seed import ARTICLE_TEXT, SOURCE_ID


def assert_located(evidence: list[dict]) -> int:
    for item in evidence:
        assert ARTICLE_TEXT[item["start"]:item["end"]] == item["quote"], item
    return len(evidence)


async def test_timeline_statements_and_source_facts_answer_the_text_positions(client, seeded_log):
    quotes = 0
    for agency_id in ("mss", "pipc"):
        response = await client.get(f"/agencies/{agency_id}/timeline", params={"limit": 100})
        for entry in response.json()["entries"]:
            quotes += assert_located(entry["evidence"])
    statements = (await client.get("/statements", params={"limit": 100})).json()["statements"]
    for statement in statements:
        quotes += assert_located(statement["evidence"])
    source = (await client.get(f"/sources/{SOURCE_ID}")).json()
    quotes += assert_located(source["facts"])
    assert quotes > 30
