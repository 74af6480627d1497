"""Quotes located: a quote that occurs twice needs a prefix or suffix, and the read models
answer where each quote stands in its source's text."""

from __future__ import annotations

from tests.factories import SOURCE_ID, agency, append, initiative, source
from tests.integration.read_models.conftest import catch_up

TEXT = "시험부는 계획을 보완한다. 장관은 다시 말했다: 시험부는 계획을 보완한다."
TWICE = "시험부는 계획을 보완한다"


async def test_a_quote_found_twice_is_refused_then_accepted_with_a_prefix(client, pool):
    for stream_id, event in (("source-test-source", source(text=TEXT)), ("agency-test-ministry", agency())):
        assert (await append(client, stream_id, event)).status_code == 201
    ambiguous = initiative(evidence=[{"source_id": SOURCE_ID, "quote": TWICE}])
    response = await append(client, "initiative-test-plan", ambiguous)
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["type"] == "/problems/ambiguous-quote"
    assert problem["occurrences"] == [{"start": 0, "end": 13}, {"start": 27, "end": 40}]

    wrong = initiative(evidence=[{"source_id": SOURCE_ID, "quote": TWICE, "prefix": "차관은 "}])
    response = await append(client, "initiative-test-plan", wrong)
    assert response.json()["type"] == "/problems/quote-context-mismatch"

    singled_out = initiative(evidence=[{"source_id": SOURCE_ID, "quote": TWICE, "prefix": "말했다: "}])
    response = await append(client, "initiative-test-plan", singled_out)
    assert response.status_code == 201, response.text

    await catch_up(pool)
    timeline = await client.get("/agencies/test-ministry/timeline")
    assert timeline.status_code == 200, timeline.text
    [entry] = timeline.json()["entries"]
    [located] = entry["evidence"]
    assert (located["start"], located["end"], located["prefix"]) == (27, 40, "말했다: ")
    assert TEXT[located["start"]:located["end"]] == TWICE
    supported = (await client.get(f"/sources/{SOURCE_ID}")).json()["facts"]
    assert [(fact["start"], fact["end"]) for fact in supported] == [(27, 40)]
