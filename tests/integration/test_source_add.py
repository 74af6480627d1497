"""``policy-timeline source add``: a text file registered as a source through the write side."""

from __future__ import annotations

import asyncio
import uuid

import pytest

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


def add_command(path, *options: str) -> list[str]:
    return [
        "source", "add", str(path), "--id", "made-up-article", "--title", "가상 기사",
        "--publisher", "가상일보", "--published", "2025-05-02", *options,
    ]


REFUSED_OPTIONS = {
    "a date in another form": (
        ["--published", "16.04.2025"],
        "--published 16.04.2025: expected a date like 2025-03-24, 2025-03 or 2025",
    ),
    "an impossible date": (
        ["--published", "2025-02-30"],
        "--published 2025-02-30: invalid date '2025-02-30' (day is out of range for month)",
    ),
    "an id with capitals": (
        ["--id", "Made_Up"],
        "--id Made_Up: expected an id of lower-case letters, digits and hyphens, starting with a "
        "letter or digit, at most 63 characters, e.g. `pipc`",
    ),
    "a url that is not http": (
        ["--url", "ftp://example.org/a.txt"],
        "--url ftp://example.org/a.txt: expected a web address: http or https with a host, e.g. "
        "https://www.pipc.go.kr/",
    ),
    "a language in words": (
        ["--language", "Korean"],
        "--language Korean: expected a language tag like `ko`, `en` or `zh-Hant`: two or three "
        "lower-case letters, then any subtags of letters and digits after hyphens",
    ),
    "a blank title": (["--title", " "], "--title ' ': blank string is not allowed"),
}


@pytest.mark.parametrize(("options", "said"), REFUSED_OPTIONS.values(), ids=REFUSED_OPTIONS.keys())
async def test_a_value_a_source_cannot_take_is_refused_naming_its_option_and_rule(
    pool, database_url, tmp_path, monkeypatch, capsys, options, said
):
    path = tmp_path / "기사.txt"
    path.write_bytes(TEXT.encode("utf-8"))
    monkeypatch.setenv("DATABASE_URL", database_url)
    assert await asyncio.to_thread(main, add_command(path, *options)) == 1
    assert capsys.readouterr().err.splitlines()[-1] == f"policy-timeline source add: {said}"
    assert await pool.fetchval("SELECT count(*) FROM events") == 0


async def test_the_kind_of_a_source_is_an_option(pool, database_url, tmp_path, monkeypatch, capsys):
    path = tmp_path / "보도자료.txt"
    path.write_bytes(TEXT.encode("utf-8"))
    monkeypatch.setenv("DATABASE_URL", database_url)
    assert await asyncio.to_thread(main, add_command(path, "--kind", "press_release")) == 0
    event_id = uuid.UUID(capsys.readouterr().out.strip())
    data = await pool.fetchval("SELECT data FROM events WHERE event_id = $1", event_id)
    assert events.decode_event("source.registered", data).kind == "press_release"

    with pytest.raises(SystemExit) as exited:
        main(add_command(path, "--id", "another", "--kind", "blog"))
    assert exited.value.code == 2
    assert "argument --kind: invalid choice: 'blog'" in capsys.readouterr().err
    assert await pool.fetchval("SELECT count(*) FROM events") == 1


async def test_without_a_kind_a_source_is_of_kind_other(pool, database_url, tmp_path, monkeypatch, capsys):
    path = tmp_path / "기사.txt"
    path.write_bytes(TEXT.encode("utf-8"))
    monkeypatch.setenv("DATABASE_URL", database_url)
    assert await asyncio.to_thread(main, add_command(path)) == 0
    data = await pool.fetchval("SELECT data FROM events")
    assert events.decode_event("source.registered", data).kind == "other"
