"""``policy-timeline source add``: a text file registered as a source through the write side."""

from __future__ import annotations

import asyncio
import uuid

import events
from service.cli import main
from tests.factories import agency, append, initiative

# Made up for the test: a CRLF line break and a trailing space are kept as they are.
TEXT = "가상부는 5월 2일 '모두의 데이터 계획'을 내놓았다.\r\n담당 과장은 \"올해 안에 끝낸다\"고 말했다. \n"
QUOTE = "가상부는 5월 2일 '모두의 데이터 계획'을 내놓았다."


async def test_a_korean_text_file_becomes_a_source_that_facts_quote(
    client, pool, database_url, tmp_path, monkeypatch, capsys
):
    path = tmp_path / "기사.txt"
    path.write_bytes(TEXT.encode("utf-8"))
    monkeypatch.setenv("DATABASE_URL", database_url)
    command = [
        "source", "add", str(path), "--id", "made-up-article", "--title", "가상 기사",
        "--publisher", "가상일보", "--published", "2025-05-02", "--url", "https://example.org/a",
    ]
    assert await asyncio.to_thread(main, command) == 0
    event_id = uuid.UUID(capsys.readouterr().out.strip())
    row = await pool.fetchrow(
        "SELECT stream_id, type, data, metadata FROM events WHERE event_id = $1", event_id
    )
    assert (row["stream_id"], row["type"]) == ("source-made-up-article", "source.registered")
    stored = events.decode_event(row["type"], row["data"])
    assert stored.text == TEXT and stored.sha256 == events.sha256_text(TEXT)
    assert (stored.language, stored.published.date, stored.publisher) == ("ko", "2025-05-02", "가상일보")
    assert '"appended_by": "cli"' in row["metadata"]

    assert await asyncio.to_thread(main, command) == 0, "again: a retry"
    assert uuid.UUID(capsys.readouterr().out.strip()) == event_id

    assert (await append(client, "agency-test-ministry", agency())).status_code == 201
    quoting = initiative(evidence=[{"source_id": "made-up-article", "quote": QUOTE}])
    response = await append(client, "initiative-test-plan", quoting)
    assert response.status_code == 201, response.text


async def test_a_file_that_is_not_utf8_is_refused(database_url, tmp_path, monkeypatch, capsys):
    path = tmp_path / "euc-kr.txt"
    path.write_bytes("가상부".encode("euc-kr"))
    monkeypatch.setenv("DATABASE_URL", database_url)
    command = [
        "source", "add", str(path), "--id", "x", "--title", "t", "--publisher", "p",
        "--published", "2025",
    ]
    assert await asyncio.to_thread(main, command) == 1
    assert "not UTF-8" in capsys.readouterr().err
