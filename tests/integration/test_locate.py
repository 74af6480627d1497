"""``POST /sources/{id}/locate``: a quote's offsets, or the nearest passage and what differs."""

from __future__ import annotations

from tests.factories import SOURCE_ID, SOURCE_TEXT, append, source


async def given_source(client) -> None:
    assert (await append(client, "source-test-source", source())).status_code == 201


async def test_a_quote_with_typographic_quotation_marks_is_found_and_what_differs_is_said(client):
    await given_source(client)
    typed = "시험부 장관은 “계획을 꼭 지키겠다”라고 말했다."
    response = await client.post(f"/sources/{SOURCE_ID}/locate", json={"quote": typed})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["exact"] is False
    [found] = body["occurrences"]
    passage = '시험부 장관은 "계획을 꼭 지키겠다"라고 말했다.'
    assert found["passage"] == passage == SOURCE_TEXT[found["start"]:found["end"]]
    assert [(d["kind"], d["in_quote"], d["in_text"]) for d in body["differences"]] == [
        ("quotation-mark", "“", '"'), ("quotation-mark", "”", '"'),
    ]
    assert all(SOURCE_TEXT[d["start"]:d["end"]] == '"' for d in body["differences"])


async def test_an_exact_quote_answers_every_occurrence(client):
    await given_source(client)
    response = await client.post(f"/sources/{SOURCE_ID}/locate", json={"quote": "시험부"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["exact"] is True and body["differences"] == []
    starts = [occurrence["start"] for occurrence in body["occurrences"]]
    assert starts == [0, SOURCE_TEXT.index("시험부 장관")]
    response = await client.post(
        f"/sources/{SOURCE_ID}/locate", json={"quote": "시험부", "suffix": " 장관"}
    )
    assert [o["start"] for o in response.json()["occurrences"]] == starts[1:]


async def test_locate_needs_a_token_and_a_known_source(client, anonymous_client):
    await given_source(client)
    response = await client.post("/sources/no-such-source/locate", json={"quote": "시험부"})
    assert response.status_code == 404
    assert response.json()["type"] == "/problems/source-not-found"
    response = await anonymous_client.post(f"/sources/{SOURCE_ID}/locate", json={"quote": "시험부"})
    assert response.status_code == 401
