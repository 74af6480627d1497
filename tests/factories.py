"""Small, valid facts for tests that need events of the real vocabulary."""

from __future__ import annotations

import uuid

import events

SOURCE_ID = "test-source"
SOURCE_TEXT = (
    "시험부는 3월 4일 'AI 시험 계획'을 발표했다. 시험부 장관은 \"계획을 꼭 지키겠다\"라고 말했다. "
    "이 계획은 향후 보완될 예정이다."
)
QUOTE = "시험부는 3월 4일 'AI 시험 계획'을 발표했다."


def new_id() -> str:
    return str(uuid.uuid4())


def source(source_id: str = SOURCE_ID, text: str = SOURCE_TEXT) -> dict:
    return {
        "id": new_id(),
        "type": "source.registered",
        "data": {
            "source_id": source_id,
            "title": "시험 기사",
            "language": "ko",
            "kind": "news_article",
            "text": text,
            "sha256": events.sha256_text(text),
        },
    }


def agency(agency_id: str = "test-ministry", name_ko: str = "시험부") -> dict:
    return {
        "id": new_id(),
        "type": "agency.registered",
        "data": {
            "agency_id": agency_id,
            "name_ko": name_ko,
            "name_en": f"Ministry of {agency_id}",
            "kind": "ministry",
        },
    }


def evidence(quote: str = QUOTE, source_id: str = SOURCE_ID) -> list[dict]:
    return [{"source_id": source_id, "quote": quote}]


def initiative(initiative_id: str = "test-plan", agency_id: str = "test-ministry", **data) -> dict:
    return {
        "id": new_id(),
        "type": "initiative.announced",
        "data": {
            "initiative_id": initiative_id,
            "agency": agency_id,
            "title_ko": "AI 시험 계획",
            "kind": "plan",
            "status": "planned",
            "occurred": {"date": "2025-03-04"},
            "evidence": evidence(),
            **data,
        },
    }


def status_changed(initiative_id: str = "test-plan", status: str = "in_preparation") -> dict:
    return {
        "id": new_id(),
        "type": "initiative.status_changed",
        "data": {
            "initiative_id": initiative_id,
            "status": status,
            "occurred": {"date": "2025-03"},
            "evidence": evidence("이 계획은 향후 보완될 예정이다."),
        },
    }


async def append(client, stream_id: str, *batch: dict, expected="any"):
    body = {"expected_version": expected, "events": list(batch)}
    return await client.post(f"/streams/{stream_id}/events", json=body)


async def given_registered(client) -> None:
    """The test source and agency, which the other factories' facts refer to."""
    for stream_id, event in (("source-test-source", source()), ("agency-test-ministry", agency())):
        response = await append(client, stream_id, event)
        assert response.status_code == 201, response.text


async def given_initiative_stream(client, changes: int) -> str:
    """An initiative announced and then ``changes`` status changes: a stream of 1 + changes."""
    await given_registered(client)
    statuses = ["in_preparation", "published", "completed"]
    batch = [initiative()] + [status_changed(status=statuses[n % 3]) for n in range(changes)]
    response = await append(client, "initiative-test-plan", *batch)
    assert response.status_code == 201, response.text
    return "initiative-test-plan"
